import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in arrival order, and frees the key after', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let active = 0;
    const task = (name: string) => async () => {
      active += 1;
      expect(active).toBe(1);
      events.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
      active -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => mutex.run('k', task(name))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect((mutex as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });

  it('keeps going after a failing task and lets other keys run alongside', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('k', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('k', async () => 'next');
    const other = mutex.run('other', async () => 'other');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    await expect(other).resolves.toBe('other');
  });
});
