import Bottleneck from 'bottleneck';

/** A CRM's documented request limit for one account: at most `requests` per `perMs`. */
export interface CrmRateLimit {
  requests: number;
  perMs: number;
}

/**
 * Paces one CRM's requests per account so they stay inside its documented limit instead
 * of drawing 429s: requests of one account start at least perMs / (requests - 1) apart
 * (so no window of perMs ever holds more than `requests`), and when the CRM says the
 * budget is spent (x-ratelimit-remaining 0, or a 429) the account's requests wait for the
 * reset it gave. Per instance: several instances share an account's CRM limit, so each
 * should declare its share, and the HTTP client's 429 handling covers what is left.
 */
export class RateBudget {
  private readonly group: Bottleneck.Group;
  private readonly spacingMs: number;
  private readonly paused = new Map<string, NodeJS.Timeout>();

  constructor(private readonly limit: CrmRateLimit) {
    this.spacingMs = Math.ceil(limit.perMs / Math.max(1, limit.requests - 1));
    this.group = new Bottleneck.Group({ minTime: this.spacingMs, maxConcurrent: null, reservoir: null });
  }

  /** Runs `work` when the account's budget allows. */
  schedule<T>(account: string, work: () => Promise<T>): Promise<T> {
    return this.group.key(account).schedule(work);
  }

  /**
   * What the CRM said about the account's budget after a request: when nothing is left,
   * the account's next requests wait until the reset (or one window when it gave none).
   */
  observe(account: string, remaining: number | undefined, resetMs: number | undefined): void {
    if (remaining === undefined || remaining > 0) return;
    this.pause(account, resetMs ?? this.limit.perMs);
  }

  private pause(account: string, waitMs: number): void {
    const limiter = this.group.key(account);
    clearTimeout(this.paused.get(account));
    void limiter.updateSettings({ reservoir: 0 });
    const timer = setTimeout(() => {
      this.paused.delete(account);
      void limiter.updateSettings({ reservoir: null });
    }, Math.max(0, waitMs));
    timer.unref();
    this.paused.set(account, timer);
  }

  /** Ends the limiters' timers (shutdown). */
  async close(): Promise<void> {
    for (const timer of this.paused.values()) clearTimeout(timer);
    this.paused.clear();
    await Promise.all(this.group.limiters().map(({ limiter }) => limiter.disconnect()));
  }
}
