import type { LogCreateFailure } from './kit.js';

/**
 * The answer each kit failure gets from a fake whose failNext takes { status, headers,
 * body?, method, path, afterProcessing } (every fake on FakeCrmServer).
 */
export function cannedFailure(failure: LogCreateFailure, method: string, path: RegExp) {
  switch (failure) {
    case 'rateLimit':
      return { status: 429, headers: { 'retry-after': '1' }, method, path };
    case 'serverError':
      return { status: 503, method, path };
    case 'answerLost':
      return { status: 504, method, path, afterProcessing: true };
  }
}

/** A fake the kit can fail: it takes canned failures and records the requests it gets. */
export interface FailableFake {
  failNext(failure: ReturnType<typeof cannedFailure>): void;
  readonly requests: readonly { method: string; path: string }[];
}

/**
 * Makes the next matching create fail as the kit asks; returns how many matching creates
 * the fake has received since, so the kit can tell the failure was met (and that a lost
 * answer was reconciled rather than sent again).
 */
export function failNextCreate(fake: FailableFake, failure: LogCreateFailure, method: string, path: RegExp): () => number {
  const creates = () => fake.requests.filter((r) => r.method === method && path.test(r.path)).length;
  const before = creates();
  fake.failNext(cannedFailure(failure, method, path));
  return () => creates() - before;
}
