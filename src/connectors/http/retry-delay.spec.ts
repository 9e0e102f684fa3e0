import { backoffDelayMs, rateLimitWaitMs, withJitter } from './retry-delay.js';
import { TtlCache } from '../../common/ttl-cache.js';

describe('rateLimitWaitMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads Retry-After in seconds', () => {
    expect(rateLimitWaitMs({ 'retry-after': '2' }, now)).toBe(2000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(rateLimitWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
  });

  it('falls back to x-ratelimit-reset as seconds from now or as an epoch timestamp', () => {
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': '3' }, now)).toBe(3000);
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 7) }, now)).toBe(7000);
  });

  it('prefers Retry-After over the reset header and says nothing when neither is there', () => {
    expect(rateLimitWaitMs({ 'retry-after': '1', 'x-ratelimit-reset': '60' }, now)).toBe(1000);
    expect(rateLimitWaitMs({}, now)).toBeUndefined();
    expect(rateLimitWaitMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});

describe('backoff and jitter', () => {
  it('doubles the ceiling per retry and stays within [ceiling/2, ceiling]', () => {
    expect(backoffDelayMs(1, 100, () => 0)).toBe(50);
    expect(backoffDelayMs(1, 100, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, () => 1)).toBe(400);
  });

  it('adds at most 10 % and never more than a second to a server-mandated wait', () => {
    expect(withJitter(2000, () => 0)).toBe(2000);
    expect(withJitter(2000, () => 1)).toBe(2200);
    expect(withJitter(60_000, () => 1)).toBe(61_000);
  });
});

describe('TtlCache', () => {
  it('loads once within the TTL, again after it, and never caches a failure', async () => {
    let clock = 0;
    const cache = new TtlCache<number>(1000, 10, () => clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    clock = 1001;
    expect(await cache.get('a', load)).toBe(2);

    await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('b', load)).toBe(3);
  });

  it('evicts the oldest entry beyond its size bound', async () => {
    const cache = new TtlCache<string>(60_000, 2);
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });
});
