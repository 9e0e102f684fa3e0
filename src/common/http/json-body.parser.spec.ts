import { JsonBodyError, MAX_JSON_DEPTH, parseJsonBody } from './json-body.parser.js';

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('parseJsonBody', () => {
  it('keeps integers beyond 2^53 as their exact digits and leaves safe numbers alone', () => {
    const body = parseJsonBody(
      '{"a":5578984350117917661,"b":[-9007199254740993,9007199254740991],"c":1.5e300,"d":12,"e":"5578984350117917661"}',
    );
    expect(body).toEqual({
      a: '5578984350117917661',
      b: ['-9007199254740993', 9007199254740991],
      c: 1.5e300,
      d: 12,
      e: '5578984350117917661',
    });
  });

  it('leaves fractions and exponents with long digit runs as numbers', () => {
    expect(parseJsonBody('{"f":1.12345678901234567890,"e":1e1234567890123456,"g":-0.5578984350117917661,"x":5578984350117917661}')).toEqual({
      f: 1.12345678901234567890,
      e: Infinity,
      g: -0.5578984350117917661,
      x: '5578984350117917661',
    });
  });

  it('does not touch digits inside strings, escaped quotes included', () => {
    const text = '{"s":"say \\"12345678901234567890\\" twice","n":12345678901234567890}';
    expect(parseJsonBody(text)).toEqual({ s: 'say "12345678901234567890" twice', n: '12345678901234567890' });
    expect(parseJsonBody('{"s":"ends with backslash \\\\","n":98765432109876543210}')).toEqual({
      s: 'ends with backslash \\',
      n: '98765432109876543210',
    });
  });

  it('accepts nesting up to the limit and refuses one level more, naming the limit', () => {
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).toThrow(
      new RegExp(`limit of ${MAX_JSON_DEPTH} levels`),
    );
    expect(() => parseJsonBody(`{"a":${nested(5000)}}`)).toThrow(JsonBodyError);
  });

  it('does not count brackets inside strings as nesting', () => {
    const text = JSON.stringify({ note: '['.repeat(5000) });
    expect(parseJsonBody(text)).toEqual({ note: '['.repeat(5000) });
  });

  it('refuses prototype keys anywhere, naming their path', () => {
    expect(() => parseJsonBody('{"a":{"__proto__":{"x":1}}}')).toThrow(/a\.__proto__/);
    expect(() => parseJsonBody('{"list":[{"constructor":{"prototype":{}}}]}')).toThrow(/list\.0\.constructor\.prototype/);
    expect(parseJsonBody('{"constructor":"a name"}')).toEqual({ constructor: 'a name' });
  });

  it('reports malformed JSON as a body error', () => {
    for (const text of ['{', '{"a":}', '"unterminated', '{"a":1}x', '']) {
      expect(() => parseJsonBody(text)).toThrow(JsonBodyError);
    }
  });
});
