/**
 * What the server's moving parts report about their work, for metrics and the operator
 * console. Defined here on the ground floor so the CRM HTTP client and the outbox report
 * without knowing who listens; observability provides the implementation. Every method is
 * fire-and-forget and must never throw into the caller's work.
 */
export abstract class OperationsObserver {
  /** One CRM request finished (retries included): its final status and how long it took. */
  abstract crmRequest(event: CrmRequestEvent): void;
  /** The CRM answered 429 (a retry may follow). */
  abstract crmRateLimited(connector: string, operation: string): void;
  /** An outbox write reached the CRM and its outcome is recorded. */
  abstract outboxDelivered(kind: string): void;
  /** An outbox write was given up: refused by the CRM, out of attempts, or too old. */
  abstract outboxFailed(kind: string, reason: OutboxFailureReason): void;
  /** Time spent waiting for a lock (e.g. this instance's turn on one call's or digest's writes). */
  abstract lockWaited(lock: string, seconds: number): void;
}

export interface CrmRequestEvent {
  connector: string;
  /** A bounded name: the request's own, or its method and path with ids replaced. */
  operation: string;
  /** HTTP status code, or `network_error` / `timeout` when there was no answer. */
  status: string;
  seconds: number;
  /** The CRM's reason when the request failed (never request data). */
  error?: string;
}

export type OutboxFailureReason = 'refused' | 'max_attempts' | 'expired';

/** Listens to nothing: for code built without observability (unit tests, embedders). */
export class SilentOperationsObserver extends OperationsObserver {
  crmRequest(): void {}
  crmRateLimited(): void {}
  outboxDelivered(): void {}
  outboxFailed(): void {}
  lockWaited(): void {}
}
