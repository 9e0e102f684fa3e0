import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody, send } from './fake-http.js';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A canned failure answered instead of the real route, optionally only for matching requests. */
export interface FakeFailure {
  status: number;
  headers?: Record<string, string>;
  /** Without one, the CRM's own error shape (see FakeCrmServer.errorBody). */
  body?: unknown;
  method?: string;
  path?: RegExp;
  /** Carry the request out first, then answer the failure: a write whose answer was lost. */
  afterProcessing?: boolean;
}

/** The next matching request is carried out, but its answer is held back `ms` (a lost answer). */
export interface FakeSlowdown {
  ms: number;
  method?: string;
  path?: RegExp;
}

/** Status, body and extra headers; a 204 is sent without a body. */
export type FakeAnswer = [number, unknown, Record<string, string>?];

/** Why the fake answers an error of its own making, so a CRM can tell the two apart in its shape. */
export type FakeErrorCause = 'injected' | 'crash';

/** Whether a failure, slowdown or hold (no method or path: any) applies to this request. */
export const matchesRequest = (rule: { method?: string; path?: RegExp }, r: RecordedRequest): boolean =>
  (!rule.method || rule.method === r.method) && (!rule.path || rule.path.test(r.path));

/**
 * What every fake CRM shares: it listens on 127.0.0.1 (and can come back on the same port),
 * records every request, answers injected failures and holds back slowed answers, then hands
 * the request to the CRM-specific `route`. A subclass supplies `route` and the CRM's error
 * shape; the `preempt` and `admit` hooks let a CRM answer first (rate limits, auth gates).
 */
export abstract class FakeCrmServer {
  readonly requests: RecordedRequest[] = [];
  url = '';

  private readonly failures: FakeFailure[] = [];
  private readonly slowdowns: FakeSlowdown[] = [];
  private server: Server | undefined;
  private port = 0;

  /** A fake of the calling class, listening on a free port. */
  static async start<T extends FakeCrmServer>(this: new () => T): Promise<T> {
    const fake = new this();
    await fake.listen();
    return fake;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the port it had (a CRM back from an outage), or on a free one the first time. */
  protected async listen(): Promise<void> {
    if (this.server?.listening) return;
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` matching requests get this answer instead of the real one. */
  failNext(failure: FakeFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** The next matching request is carried out, but its answer is held back this long (a lost answer). */
  slowNext(slowdown: FakeSlowdown): void {
    this.slowdowns.push(slowdown);
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** Forgets requests, failures and slowdowns; a subclass adds its own per-test state. */
  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
    this.slowdowns.length = 0;
  }

  /** The CRM's answer to a request; it may change the fake's state (a write). */
  protected abstract route(r: RecordedRequest): FakeAnswer;

  /** The CRM's documented error body, for an injected failure without a body or a crash of the fake. */
  protected abstract errorBody(status: number, message: string, cause: FakeErrorCause): unknown;

  /** Runs before injected failures: an answer here is sent instead of anything else. */
  protected preempt(_r: RecordedRequest, _arrivedAt: number): Promise<FakeAnswer | undefined> | FakeAnswer | undefined {
    return undefined;
  }

  /** Runs after injected failures, before the route: refuse the request, or add headers to its answer. */
  protected admit(_r: RecordedRequest): { refuse?: FakeAnswer; headers?: Record<string, string> } {
    return {};
  }

  /** The route's answer, or the CRM's 500 when the fake itself throws. */
  protected safeRoute(r: RecordedRequest): FakeAnswer {
    try {
      return this.route(r);
    } catch (error) {
      return this.crashAnswer(error);
    }
  }

  private crashAnswer(error: unknown): FakeAnswer {
    return [500, this.errorBody(500, `Fake crashed: ${(error as Error).message}`, 'crash')];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseBody(raw, req.headers['content-type']),
    };
    this.requests.push(recorded);

    const preempted = await this.preempt(recorded, arrivedAt);
    // The caller may have hung up meanwhile: whatever was carried out stands, the answer goes nowhere.
    if (preempted) return res.destroyed ? undefined : answer(res, preempted);

    const failureIndex = this.failures.findIndex((f) => matchesRequest(f, recorded));
    if (failureIndex >= 0) {
      const [failure] = this.failures.splice(failureIndex, 1);
      if (failure.afterProcessing) this.safeRoute(recorded);
      const body = failure.body ?? this.errorBody(failure.status, `Fake failure ${failure.status}`, 'injected');
      return send(res, failure.status, body, failure.headers);
    }

    const { refuse, headers } = this.admit(recorded);
    if (refuse) return answer(res, refuse);
    let routed: FakeAnswer;
    try {
      routed = this.route(recorded);
    } catch (error) {
      return answer(res, this.crashAnswer(error));
    }
    const slowIndex = this.slowdowns.findIndex((d) => matchesRequest(d, recorded));
    if (slowIndex >= 0) {
      const [slowdown] = this.slowdowns.splice(slowIndex, 1);
      await new Promise((resolve) => setTimeout(resolve, slowdown.ms));
      if (res.destroyed) return;
    }
    const [status, body, own] = routed;
    answer(res, [status, body, { ...headers, ...own }]);
  }
}

function answer(res: ServerResponse, [status, body, headers]: FakeAnswer): void {
  if (status === 204) {
    res.writeHead(204, headers ?? {});
    res.end();
    return;
  }
  send(res, status, body, headers);
}
