import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  /** Epoch ms when this window ends and the count starts again. */
  endsAt: number;
}

/**
 * Fixed-window counters in memory: one number per key, O(1) per request. The library's
 * default storage keeps a timestamp per hit and scans them on every request, which
 * grows with the limit; at this server's request rates that cost more than the route.
 * Limits are per instance: N instances admit up to N times the limit.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number): Promise<{
    totalHits: number;
    timeToExpire: number;
    isBlocked: boolean;
    timeToBlockExpire: number;
  }> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(key, window);
      this.sweepLater(ttl);
    }
    window.hits++;
    const secondsLeft = Math.max(1, Math.ceil((window.endsAt - now) / 1000));
    const isBlocked = window.hits > limit;
    return { totalHits: window.hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
  }

  /** Ended windows are dropped now and then, so idle clients do not accumulate. */
  private sweepLater(ttl: number): void {
    if (this.sweeper) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      const now = this.now();
      for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
      if (this.windows.size > 0) this.sweepLater(ttl);
    }, Math.max(ttl, 1000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.windows.size;
  }
}
