import { Logger } from '@nestjs/common';
import { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { isNetworkError } from 'axios-retry';
import { AppException } from '../../common/app.exception.js';
import { operationName } from '../../common/operation-name.js';
import { type OperationsObserver, SilentOperationsObserver } from '../../common/operations-observer.js';
import { type CrmRateLimit, RateBudget } from './rate-budget.js';
import { backoffDelayMs, rateLimitWaitMs, withJitter } from './retry-delay.js';

export type CrmHttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Methods that may be repeated after a 5xx or a network error without side effects. */
const IDEMPOTENT_METHODS: ReadonlySet<CrmHttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** How a connector authenticates one request; the client never logs any of it. */
export interface CrmRequestAuth {
  /** The connector's own auth value for the user (CrmConnector.getAuthHeader). */
  authHeader: string;
  /** Turns the auth value into request headers. */
  toHeaders(authHeader: string): Record<string, string>;
  /**
   * OAuth: called once after a 401, with the auth value that was refused, for a fresh
   * one; the request is then repeated once.
   */
  refresh?: (rejectedAuthHeader: string) => Promise<string>;
}

export interface CrmRequest {
  method: CrmHttpMethod;
  /** Absolute URL. Credentials never go in it: its path is logged. */
  url: string;
  params?: Record<string, string | number | boolean | undefined>;
  /** JSON body, or URLSearchParams for a form body. */
  data?: unknown;
  headers?: Record<string, string>;
  auth?: CrmRequestAuth;
  /**
   * Whether repeating the request after a 5xx or network error is harmless. Defaults
   * to true for GET/HEAD/PUT/DELETE; set it on a PATCH that replaces fields wholesale.
   * A 429 is always retried: the CRM did not process the request.
   */
  idempotent?: boolean;
  /** Credentials an API puts in the path (a token lookup): the logged path shows them redacted. */
  secretsInPath?: (string | undefined)[];
  /**
   * The CRM account the request spends the rate budget of (e.g. the company host), when
   * the client has a `rateLimit`: requests of one account wait for budget.
   */
  budgetKey?: string;
  /** Name in metrics; default: the method and path with ids replaced (operationName). */
  operation?: string;
}

export interface CrmResponse<T> {
  status: number;
  data: T;
  /** Rate-limit headers of the final response, for extraDataTracking. */
  rateLimit: { limit?: string; remaining?: string; reset?: string };
  /** The Location header, for CRMs that answer a create with the new record's URL and no body (NetSuite). */
  location?: string;
}

export interface CrmHttpClientOptions {
  /** Connector name, used in errors (AppException platform) and logs. */
  platform: string;
  /** Human name used in error messages ("Pipedrive did not answer ..."). */
  displayName: string;
  /** Pulls the CRM's own error message out of an error response body. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Longest rate-limit wait accepted before giving up instead; default 30 s. */
  maxRetryWaitMs?: number;
  /** First backoff step for 5xx and network errors; default 250 ms. */
  baseDelayMs?: number;
  /** The CRM's documented request limit per account; requests with a budgetKey are paced to it. */
  rateLimit?: CrmRateLimit;
}

export interface CrmHttpLimits {
  timeoutMs: number;
  maxRetries: number;
}

/**
 * One CRM's HTTP client: timeouts, keep-alive, bounded retries with jitter (429
 * always, honouring Retry-After or the rate-limit reset header; 5xx and network
 * errors only where repeating is safe), one credential refresh on a 401, and CRM
 * errors turned into AppException with the CRM's own message. Request headers,
 * bodies and query strings are never logged: they carry tokens and personal data.
 */
export class CrmHttpClient {
  private readonly logger: Logger;
  private readonly maxRetryWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly budget: RateBudget | undefined;

  constructor(
    private readonly axios: AxiosInstance,
    private readonly options: CrmHttpClientOptions,
    private readonly limits: CrmHttpLimits,
    private readonly observer: OperationsObserver = new SilentOperationsObserver(),
  ) {
    this.logger = new Logger(`CrmHttpClient:${options.platform}`);
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.budget = options.rateLimit ? new RateBudget(options.rateLimit) : undefined;
  }

  async request<T>(request: CrmRequest): Promise<CrmResponse<T>> {
    const { budget } = this;
    const account = request.budgetKey;
    if (!budget || account === undefined) return this.requestNow(request);
    return budget.schedule(account, async () => {
      try {
        const response = await this.requestNow<T>(request);
        const { remaining, reset } = response.rateLimit;
        budget.observe(account, remaining === undefined ? undefined : Number(remaining), resetMs(reset));
        return response;
      } catch (error) {
        // A 429 that outlasted the retries: the account's budget is spent until the CRM's reset.
        if (error instanceof AppException && error.details.status === 429) budget.observe(account, 0, error.details.retryAfterMs);
        throw error;
      }
    });
  }

  /** Stops the rate budget's timers. */
  close(): Promise<void> {
    return this.budget?.close() ?? Promise.resolve();
  }

  private async requestNow<T>(request: CrmRequest): Promise<CrmResponse<T>> {
    const started = performance.now();
    const operation = request.operation ?? operationName(request.method, request.url);
    const report = (status: string, error?: string) =>
      this.observer.crmRequest({ connector: this.options.platform, operation, status, seconds: (performance.now() - started) / 1000, error });
    try {
      const response = await this.attempts<T>(request, operation);
      report(String(response.status));
      return response;
    } catch (error) {
      const status = (error !== null && typeof error === 'object' && outcomeLabels.get(error)) || 'error';
      if (status === '429') this.observer.crmRateLimited(this.options.platform, operation);
      report(status, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async attempts<T>(request: CrmRequest, operation: string): Promise<CrmResponse<T>> {
    let authHeader = request.auth?.authHeader;
    let refreshed = false;
    for (;;) {
      try {
        const response = await this.send<T>(request, authHeader, operation);
        const location = header(response, 'location');
        return {
          status: response.status,
          data: response.data,
          ...(location ? { location } : {}),
          rateLimit: {
            limit: header(response, 'x-ratelimit-limit'),
            remaining: header(response, 'x-ratelimit-remaining'),
            reset: header(response, 'x-ratelimit-reset'),
          },
        };
      } catch (error) {
        if (
          error instanceof AxiosError &&
          error.response?.status === 401 &&
          request.auth?.refresh &&
          !refreshed
        ) {
          refreshed = true;
          this.logger.log(`${this.describe(request)} answered 401; refreshing the credentials once`);
          authHeader = await request.auth.refresh(authHeader ?? '');
          continue;
        }
        const converted = this.toAppException(error, request);
        if (converted !== null && typeof converted === 'object') outcomeLabels.set(converted, outcomeLabel(error));
        throw converted;
      }
    }
  }

  private send<T>(request: CrmRequest, authHeader: string | undefined, operation: string): Promise<AxiosResponse<T>> {
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
    return this.axios.request<T>({
      method: request.method,
      url: request.url,
      params: request.params,
      data: request.data,
      headers: {
        ...request.headers,
        ...(request.auth && authHeader !== undefined ? request.auth.toHeaders(authHeader) : {}),
      },
      'axios-retry': {
        retries: this.limits.maxRetries,
        shouldResetTimeout: true,
        retryCondition: (error) => this.shouldRetry(error, idempotent),
        retryDelay: (retryNumber, error) => this.retryDelay(retryNumber, error, request, operation),
      },
    });
  }

  private shouldRetry(error: AxiosError, idempotent: boolean): boolean {
    const status = error.response?.status;
    if (status === 429) return (this.serverWait(error) ?? 0) <= this.maxRetryWaitMs;
    if (!idempotent) return false;
    if (status !== undefined) return status >= 500 && status <= 599;
    // Timeouts are not repeated: the caller already waited the whole timeout once.
    return isNetworkError(error);
  }

  private retryDelay(retryNumber: number, error: AxiosError, request: CrmRequest, operation: string): number {
    // A 429 that is retried is drawn all the same; the last one is counted with the outcome.
    if (error.response?.status === 429) this.observer.crmRateLimited(this.options.platform, operation);
    const wait = this.serverWait(error);
    const delay = wait !== undefined ? withJitter(wait) : backoffDelayMs(retryNumber, this.baseDelayMs);
    // The account's other requests wait too, instead of drawing 429s of their own meanwhile.
    if (error.response?.status === 429 && request.budgetKey !== undefined) this.budget?.observe(request.budgetKey, 0, delay);
    this.logger.warn(
      `${this.describe(request)} answered ${error.response?.status ?? error.code}; ` +
        `retry ${retryNumber}/${this.limits.maxRetries} in ${delay} ms`,
    );
    return delay;
  }

  /** The wait the CRM asked for on a 429 or 503, if it said. */
  private serverWait(error: AxiosError): number | undefined {
    const status = error.response?.status;
    if (status !== 429 && status !== 503) return undefined;
    return rateLimitWaitMs(error.response!.headers as Record<string, string | undefined>);
  }

  private toAppException(error: unknown, request: CrmRequest): unknown {
    if (!(error instanceof AxiosError)) return error;
    const { platform, displayName } = this.options;
    const response = error.response;
    if (response) {
      const crmMessage = this.crmMessage(response.data);
      this.logger.warn(`${this.describe(request)} failed with HTTP ${response.status}`);
      if (response.status === 401) {
        return AppException.crmAuthorizationFailed(
          platform,
          crmMessage ?? `${displayName} rejected the stored credentials. Please log in again.`,
        );
      }
      // Passed on so the outbox waits as long as the CRM asked before trying the write again.
      const retryAfterMs = this.serverWait(error);
      if (response.status === 429) {
        return AppException.crmRequestFailed(
          platform,
          crmMessage ?? `${displayName} rate limit reached. Please try again later.`,
          429,
          retryAfterMs,
        );
      }
      return AppException.crmRequestFailed(
        platform,
        crmMessage ?? `${displayName} answered HTTP ${response.status}.`,
        response.status,
        retryAfterMs,
      );
    }
    this.logger.warn(`${this.describe(request)} failed: ${error.code ?? 'no response'}`);
    if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) {
      return AppException.crmRequestFailed(
        platform,
        `${displayName} did not answer within ${this.limits.timeoutMs} ms.`,
        504,
      );
    }
    const message = `${displayName} could not be reached (${error.code ?? 'network error'}).`;
    // No connection, no request: a write refused this way is tried again without a lookup.
    if (error.code && NOT_SENT_CODES.has(error.code)) return AppException.crmUnreachable(platform, message);
    return AppException.crmRequestFailed(platform, message, 502);
  }

  private crmMessage(body: unknown): string | undefined {
    const message = this.options.errorMessage?.(body) ?? defaultErrorMessage(body);
    return message ? message.slice(0, 500) : undefined;
  }

  /** Method and path only: query strings may hold phone numbers or, for some CRMs, tokens. */
  private describe(request: CrmRequest): string {
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch {
      path = '<invalid url>';
    }
    for (const secret of request.secretsInPath ?? []) {
      if (secret) path = path.split(secret).join('[redacted]').split(encodeURIComponent(secret)).join('[redacted]');
    }
    return `${this.options.platform} ${request.method} ${path}`;
  }
}

/** Network errors raised before a request left: the CRM cannot have seen it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The status a failed request is counted under: the CRM's HTTP status, or why there was none. */
const outcomeLabels = new WeakMap<object, string>();

function outcomeLabel(error: unknown): string {
  if (!(error instanceof AxiosError)) return 'error';
  if (error.response) return String(error.response.status);
  return error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT ? 'timeout' : 'network_error';
}

/** x-ratelimit-reset as a wait in milliseconds (seconds from now, or an epoch time). */
function resetMs(reset: string | undefined): number | undefined {
  return reset === undefined ? undefined : rateLimitWaitMs({ 'x-ratelimit-reset': reset });
}

function header(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** The usual places a JSON API puts its error text. */
export function defaultErrorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['error_description', 'message', 'error', 'detail', 'title']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (value && typeof value === 'object' && typeof (value as Record<string, unknown>).message === 'string') {
      return String((value as Record<string, unknown>).message);
    }
  }
  return undefined;
}
