import { Logger } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppErrorCode, AppException } from '../src/common/app.exception.js';
import { loadAppConfig } from '../src/config/app-config.js';
import { CrmHttpClientFactory } from '../src/connectors/http/crm-http-client.factory.js';
import type { CrmHttpClient, CrmRequestAuth } from '../src/connectors/http/crm-http.client.js';

type Reply = (res: ServerResponse) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

const SECRET = 'secret-token-value-1234';

describe('CRM HTTP client against a real local server', () => {
  let server: Server;
  let baseUrl: string;
  let replies: Reply[];
  let seen: Seen[];
  let factory: CrmHttpClientFactory;
  let client: CrmHttpClient;
  let logged: string[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      req.resume();
      req.on('end', () => (replies.shift() ?? json(200, { ok: true }))(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    factory = new CrmHttpClientFactory(
      loadAppConfig({}, { NODE_ENV: 'test', CRM_HTTP_TIMEOUT_MS: 300, CRM_HTTP_MAX_RETRIES: 2 }),
    );
    client = factory.create({ platform: 'fakecrm', displayName: 'Fake CRM', baseDelayMs: 5, maxRetryWaitMs: 5000 });
  });

  afterAll(async () => {
    factory.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    replies = [];
    seen = [];
    logged = [];
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
      vi.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    // Nothing the client logs may carry a token or a query string.
    for (const line of logged) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('term=');
    }
  });

  const failure = async (promise: Promise<unknown>): Promise<AppException> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppException);
    return error as AppException;
  };

  it('waits for Retry-After on a 429, then succeeds (even for a POST)', async () => {
    replies.push(json(429, { error: 'Too many requests' }, { 'retry-after': '1' }), json(201, { id: 7 }));
    const response = await client.request<{ id: number }>({ method: 'POST', url: `${baseUrl}/things`, data: { a: 1 } });
    expect(response.data).toEqual({ id: 7 });
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(logged.some((line) => /429; retry 1\/2 in \d+ ms/.test(line))).toBe(true);
  });

  it('falls back to the rate-limit reset header when there is no Retry-After', async () => {
    replies.push(json(429, { error: 'slow down' }, { 'x-ratelimit-reset': '1' }), json(200, { ok: 1 }));
    await client.request({ method: 'GET', url: `${baseUrl}/x` });
    expect(seen).toHaveLength(2);
    expect(logged.some((line) => /retry 1\/2 in (1\d{3}) ms/.test(line))).toBe(true);
  });

  it('does not wait beyond its limit: a long rate-limit window fails at once with the CRM message', async () => {
    replies.push(json(429, { error: 'Daily budget exhausted' }, { 'retry-after': '3600' }));
    const error = await failure(client.request({ method: 'GET', url: `${baseUrl}/x` }));
    expect(error.code).toBe(AppErrorCode.CrmRequestFailed);
    expect(error.message).toBe('Daily budget exhausted');
    expect(error.details).toMatchObject({ platform: 'fakecrm', status: 429 });
    expect(seen).toHaveLength(1);
  });

  it('retries a GET after 5xx with backoff, at most CRM_HTTP_MAX_RETRIES times', async () => {
    replies.push(json(502, { error: 'bad gateway' }), json(500, { error: 'boom' }), json(200, { fine: true }));
    const response = await client.request({ method: 'GET', url: `${baseUrl}/x` });
    expect(response.data).toEqual({ fine: true });
    expect(seen).toHaveLength(3);

    seen = [];
    replies.push(json(500, { error: 'down 1' }), json(500, { error: 'down 2' }), json(500, { error: 'down 3' }));
    const error = await failure(client.request({ method: 'GET', url: `${baseUrl}/x` }));
    expect(seen).toHaveLength(3);
    expect(error.message).toBe('down 3');
    expect(error.details.status).toBe(500);
  });

  it('never repeats a POST after a 5xx: a retry could create a duplicate', async () => {
    replies.push(json(500, { success: false, error: 'Internal failure while creating' }));
    const error = await failure(client.request({ method: 'POST', url: `${baseUrl}/activities`, data: {} }));
    expect(error.message).toBe('Internal failure while creating');
    expect(seen).toHaveLength(1);
  });

  it('repeats a PATCH marked idempotent after a 5xx, but not an unmarked one', async () => {
    replies.push(json(503, { error: 'unavailable' }), json(200, { patched: true }));
    await client.request({ method: 'PATCH', url: `${baseUrl}/a/1`, data: { note: 'x' }, idempotent: true });
    expect(seen).toHaveLength(2);

    seen = [];
    replies.push(json(503, { error: 'unavailable' }));
    await failure(client.request({ method: 'PATCH', url: `${baseUrl}/a/1`, data: { note: 'x' } }));
    expect(seen).toHaveLength(1);
  });

  it('refreshes once on a 401 and repeats with the new credentials', async () => {
    let refreshes = 0;
    const auth: CrmRequestAuth = {
      authHeader: `Bearer ${SECRET}`,
      toHeaders: (value) => ({ Authorization: value }),
      refresh: async () => {
        refreshes++;
        return 'Bearer fresh';
      },
    };
    replies.push(json(401, { error: 'token expired' }), json(200, { me: 1 }));
    await client.request({ method: 'GET', url: `${baseUrl}/me`, auth });
    expect(refreshes).toBe(1);
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${SECRET}`, 'Bearer fresh']);

    seen = [];
    replies.push(json(401, { error: 'token expired' }), json(401, { error: 'still unauthorized' }));
    const error = await failure(client.request({ method: 'GET', url: `${baseUrl}/me`, auth }));
    expect(refreshes).toBe(2);
    expect(seen).toHaveLength(2);
    expect(error.code).toBe(AppErrorCode.CrmAuthorizationFailed);
    expect(error.message).toBe('still unauthorized');
  });

  it('answers a 401 without a refresh as an authorization failure, token nowhere in the error', async () => {
    replies.push(json(401, {}));
    const error = await failure(
      client.request({
        method: 'GET',
        url: `${baseUrl}/me`,
        params: { term: '+14155550100' },
        auth: { authHeader: SECRET, toHeaders: (value) => ({ 'x-api-token': value }) },
      }),
    );
    expect(seen[0].headers['x-api-token']).toBe(SECRET);
    expect(error.code).toBe(AppErrorCode.CrmAuthorizationFailed);
    expect(error.message).toBe('Fake CRM rejected the stored credentials. Please log in again.');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(SECRET);
  });

  it('uses a status-based message when the CRM body says nothing', async () => {
    replies.push((res) => {
      res.writeHead(404);
      res.end();
    });
    const error = await failure(client.request({ method: 'GET', url: `${baseUrl}/nothing` }));
    expect(error.message).toBe('Fake CRM answered HTTP 404.');
    expect(error.details.status).toBe(404);
  });

  it('gives up after the timeout without repeating', async () => {
    replies.push((res) => setTimeout(() => json(200, {})(res), 1000));
    const error = await failure(client.request({ method: 'GET', url: `${baseUrl}/slow` }));
    expect(error.message).toBe('Fake CRM did not answer within 300 ms.');
    expect(seen).toHaveLength(1);
  });

  it('reports an unreachable CRM clearly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client.request({ method: 'GET', url: `http://127.0.0.1:${port}/x` }));
    expect(error.message).toBe('Fake CRM could not be reached (ECONNREFUSED).');
    expect(error.details.status).toBe(502);
  });
});
