/**
 * Pure timing rules of the CRM HTTP client, kept apart so they can be tested
 * without a clock or a server.
 */

/** Epoch seconds are this large; smaller reset values count seconds from now. */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

type HeaderValue = string | string[] | number | undefined | null;

function firstValue(value: HeaderValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = Array.isArray(value) ? value[0] : String(value);
  return text?.trim() || undefined;
}

/**
 * How long a rate-limited caller must wait, from Retry-After (seconds or an HTTP
 * date) or else the rate-limit reset header (seconds until the window resets, or
 * an epoch timestamp). Undefined when the response says nothing.
 */
export function rateLimitWaitMs(
  headers: Record<string, HeaderValue>,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = firstValue(headers['retry-after']);
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(firstValue(headers['x-ratelimit-reset']));
  if (firstValue(headers['x-ratelimit-reset']) !== undefined && Number.isFinite(reset)) {
    return Math.max(0, reset >= EPOCH_SECONDS_THRESHOLD ? reset * 1000 - now : reset * 1000);
  }
  return undefined;
}

/** Exponential backoff with "full jitter": a random wait in [base*2^(n-1)/2, base*2^(n-1)]. */
export function backoffDelayMs(retryNumber: number, baseDelayMs: number, random: () => number = Math.random): number {
  const ceiling = baseDelayMs * 2 ** Math.max(0, retryNumber - 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Adds up to 10 % (at most one second) of random spread to a server-mandated wait,
 * so callers released by the same reset do not all return at the same instant.
 */
export function withJitter(waitMs: number, random: () => number = Math.random): number {
  return Math.round(waitMs + Math.min(1000, waitMs * 0.1) * random());
}
