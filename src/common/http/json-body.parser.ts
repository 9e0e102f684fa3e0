/**
 * The JSON body parser of every route. JSON.parse alone loses what RingCentral sends:
 * ids are 64-bit integers, and a bare number beyond 2^53 is rounded to a neighbour,
 * which merges two conversations into one. So integer literals beyond the safe range
 * are kept as their exact digits (strings), nesting is bounded (deep bodies overflow
 * the validator's recursion), and keys that would reach an object's prototype are refused.
 */

/** Deepest nesting of objects and arrays a body may have; App Connect's deepest is under 10. */
export const MAX_JSON_DEPTH = 32;

export class JsonBodyError extends Error {
  constructor(
    message: string,
    /** The body path at fault, when one can be named. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'JsonBodyError';
  }
}

// 16+ digits is the shortest literal that can exceed Number.MAX_SAFE_INTEGER (16 digits).
const LONG_DIGIT_RUN = /\d{16}/;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  // The common body has neither long digit runs nor many brackets: one native parse.
  const mayHoldBigInts = LONG_DIGIT_RUN.test(text);
  const source = mayHoldBigInts || bracketCount(text, maxDepth) >= maxDepth ? rewrite(text, maxDepth) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new JsonBodyError(`The body is not valid JSON (${(error as Error).message}).`, 'body');
  }
  if (text.includes('__proto__') || text.includes('constructor')) refusePrototypeKeys(value, '');
  return value;
}

/** Counts `{` and `[` up to `stop` (strings included: an over-count only costs a scan). */
function bracketCount(text: string, stop: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) count++;
  }
  return count;
}

/**
 * One pass over the text outside strings (skipped whole with indexOf): checks the depth
 * and quotes every integer literal beyond the safe range. Malformed text is left for
 * JSON.parse to report.
 */
function rewrite(text: string, maxDepth: number): string {
  let depth = 0;
  let out = '';
  let copiedTo = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
      if (i < 0) return text;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new JsonBodyError(`The body is nested deeper than the limit of ${maxDepth} levels.`, 'body');
      }
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      i++;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      let integer = true;
      for (; end < length; end++) {
        const d = text.charCodeAt(end);
        if (isDigit(d)) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === MINUS) integer = false;
        else break;
      }
      // 16+ digits (17+ characters with a sign) is the shortest literal beyond the safe range.
      if (integer && end - i >= 16) {
        const literal = text.slice(i, end);
        if (!Number.isSafeInteger(Number(literal))) {
          out += `${text.slice(copiedTo, i)}"${literal}"`;
          copiedTo = end;
        }
      }
      i = end;
    } else {
      i++;
    }
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/** Index just past the string that opens at `start`, or -1 when it never closes. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let j = quote - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** `__proto__` or `constructor.prototype` keys would reach the prototype of the objects built from the body. */
function refusePrototypeKeys(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => refusePrototypeKeys(item, join(path, String(index))));
    return;
  }
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    throw new JsonBodyError(`${join(path, '__proto__')} is not an accepted key.`, join(path, '__proto__'));
  }
  const record = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, 'constructor')) {
    const ctor = record.constructor;
    if (typeof ctor === 'object' && ctor !== null && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) {
      const field = join(path, 'constructor.prototype');
      throw new JsonBodyError(`${field} is not an accepted key.`, field);
    }
  }
  for (const key of Object.keys(record)) refusePrototypeKeys(record[key], join(path, key));
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
