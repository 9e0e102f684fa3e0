import { AppErrorCode, AppException } from '../common/app.exception.js';

/** Where an attempt runs: in the client's request (it hears the answer) or in the outbox worker. */
export type AttemptMode = 'request' | 'worker';

export interface FailureVerdict {
  /** refused: the CRM will not take this write as it is; retry: it may later. */
  kind: 'refused' | 'retry';
  /** Whether the CRM may have carried the write out although we saw a failure. */
  mayHaveLanded: boolean;
  /** Not a CRM answer: a bug or our database. Logged as an error. */
  unexpected: boolean;
  /** The CRM's rate limit for the account is spent (HTTP 429). */
  rateLimited?: boolean;
  /** How long the CRM asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** For the user and operators: the CRM's reason; never secrets. */
  reason: string;
}

/** Thrown by a handler when an unknown-outcome create cannot be looked up at the CRM. */
export class UnreconcilableWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreconcilableWriteError';
  }
}

/** HTTP statuses after which the CRM may accept the same write later. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/**
 * Decides from a failed attempt's error whether the write is refused for good or stays
 * in the outbox, and whether it may have landed (then a create is reconciled before it
 * is tried again). Decided by error codes and HTTP statuses, never message text.
 */
export function classifyFailure(error: unknown, mode: AttemptMode): FailureVerdict {
  if (error instanceof UnreconcilableWriteError) {
    return { kind: 'refused', mayHaveLanded: true, unexpected: false, reason: error.message };
  }
  if (!(error instanceof AppException)) {
    // Our own failure, e.g. the database after the CRM answered: the write may be there.
    return { kind: 'retry', mayHaveLanded: true, unexpected: true, reason: 'Internal error while delivering the write.' };
  }
  const reason = error.message;
  switch (error.code) {
    case AppErrorCode.CrmRequestFailed: {
      const { status, retryAfterMs } = error.details;
      const wait = retryAfterMs !== undefined ? { retryAfterMs } : {};
      if (error.details.notSent) return { kind: 'retry', mayHaveLanded: false, unexpected: false, reason };
      // No status: the connector itself judged the answer a refusal (e.g. no log id).
      if (status === undefined) return { kind: 'refused', mayHaveLanded: false, unexpected: false, reason };
      if (RETRYABLE_STATUSES.has(status)) {
        // 429: the CRM did not process the request. 408/425: it may have.
        if (status === 429) return { kind: 'retry', mayHaveLanded: false, unexpected: false, rateLimited: true, reason, ...wait };
        return { kind: 'retry', mayHaveLanded: true, unexpected: false, reason, ...wait };
      }
      if (status >= 500) return { kind: 'retry', mayHaveLanded: true, unexpected: false, reason, ...wait };
      return { kind: 'refused', mayHaveLanded: false, unexpected: false, reason };
    }
    case AppErrorCode.CrmAuthorizationFailed:
    case AppErrorCode.SessionInvalid:
      // The client is told to sign in again; a queued write waits for that sign-in.
      return { kind: mode === 'request' ? 'refused' : 'retry', mayHaveLanded: false, unexpected: false, reason };
    default:
      return { kind: 'refused', mayHaveLanded: false, unexpected: false, reason };
  }
}

/** The longest Retry-After we wait out: beyond it the CRM is treated as down, and checked again then. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Wait before attempt `attempts + 1`: doubling from `baseMs` up to `maxMs`, with "equal
 * jitter" (a random wait in the upper half) so writes queued by one outage do not all
 * return at once; never less than the CRM's Retry-After (itself capped at an hour).
 */
export function retryDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
  const backoff = Math.round(ceiling / 2 + (ceiling / 2) * random());
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
