import { FixedWindowStorage } from './fixed-window.storage.js';

describe('FixedWindowStorage', () => {
  it('counts per key within a window, blocks over the limit and starts again when the window ends', async () => {
    let now = 1_000_000;
    const storage = new FixedWindowStorage(() => now);
    const hit = (key: string) => storage.increment(key, 60_000, 2);
    expect(await hit('a')).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
    expect(await hit('a')).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit('b')).toMatchObject({ totalHits: 1, isBlocked: false });
    now += 15_000;
    expect(await hit('a')).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 45 });
    now += 45_000;
    expect(await hit('a')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
