/**
 * Runs tasks for the same key one after another within this process; tasks for
 * different keys run freely. Cross-instance exclusion is the database's job (unique
 * claims, advisory locks); this keeps one instance from racing itself.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** `onWait`: how long a task waited for the ones before it (only called when there were some). */
  constructor(private readonly onWait?: (seconds: number) => void) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const earlier = this.tails.get(key);
    const previous = earlier ?? Promise.resolve();
    const queuedAt = earlier && this.onWait ? performance.now() : undefined;
    const start = () => {
      if (queuedAt !== undefined) this.onWait!((performance.now() - queuedAt) / 1000);
      return task();
    };
    const current = previous.then(start, start);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // Forget the key once nobody queued behind us, so the map does not grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
