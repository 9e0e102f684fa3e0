import { RateBudget } from './rate-budget.js';

describe('RateBudget', () => {
  it('keeps any window of perMs to at most `requests` starts per account, and accounts apart', async () => {
    const budget = new RateBudget({ requests: 5, perMs: 400 });
    const starts: Record<string, number[]> = { a: [], b: [] };
    const t0 = performance.now();
    await Promise.all(
      ['a', 'b'].flatMap((account) =>
        Array.from({ length: 8 }, () => budget.schedule(account, async () => void starts[account]!.push(performance.now() - t0))),
      ),
    );
    for (const account of ['a', 'b']) {
      const times = starts[account]!;
      expect(times).toHaveLength(8);
      // Every 6th start is a whole window after the 1st of those six. Starts are planned
      // 100 ms apart; a timer the event loop fires late (a loaded machine stalls it for
      // 100 ms and more) shortens one gap, so the bound allows for one such stall.
      for (let i = 0; i + 5 < times.length; i++) expect(times[i + 5]! - times[i]!).toBeGreaterThanOrEqual(400 - 150);
      // Without pacing all eight would start at once.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(600);
    }
    // Accounts do not wait for each other: both finished in about the same time.
    expect(Math.abs(starts.a!.at(-1)! - starts.b!.at(-1)!)).toBeLessThan(100);
    await budget.close();
  });

  it('holds an account back until the reset once the CRM says its budget is spent', async () => {
    const budget = new RateBudget({ requests: 100, perMs: 1_000 });
    await budget.schedule('a', async () => undefined);
    budget.observe('a', 0, 300);
    const t0 = performance.now();
    await budget.schedule('a', async () => undefined);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    // Budget left: no wait.
    budget.observe('a', 5, 10_000);
    const t1 = performance.now();
    await budget.schedule('a', async () => undefined);
    expect(performance.now() - t1).toBeLessThan(200);
    await budget.close();
  });
});
