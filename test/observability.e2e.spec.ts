import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { PendingWritesRepository } from '../src/persistence/repositories/pending-writes.repository.js';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

/** Collects the JSON log lines an app writes. */
function logCapture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  return { stream, lines, raw: () => lines.map((line) => JSON.stringify(line)).join('\n') };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('access log, request ids, health and metrics (e2e)', () => {
  let t: TestApp;
  const log = logCapture();

  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: log.stream });
  });
  afterAll(async () => {
    await t.close();
  });

  const accessLines = () => log.lines.filter((line) => typeof line.durationMs === 'number');

  it('writes one line per request with route template, status, duration, request id, user and platform', async () => {
    const jwt = await t.login('local', 'demo');
    const response = await t.http
      .get('/contact?phoneNumber=%2B14155550100')
      .set('Authorization', `Bearer ${jwt}`)
      .set('X-RC-Access-Token', 'rc-secret-token')
      .expect(200);
    await settle();
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = accessLines().filter((line) => line.requestId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      route: '/contact',
      userId: expect.stringMatching(/^local-/),
      platform: 'local',
      req: { method: 'GET', path: '/contact' },
      res: { statusCode: 200 },
      msg: expect.stringMatching(/^GET \/contact 200 \d+ms$/),
    });
    // Never the session token, the RingCentral token, the phone number or the login key.
    const everything = log.raw();
    for (const secret of [jwt, 'rc-secret-token', '4155550100', '"demo"']) expect(everything).not.toContain(secret);
  });

  it('gives lines logged while handling a request its request id and the logging class', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: 'demo' }).expect(200);
    await settle();
    const requestId = response.headers['x-request-id'];
    const line = log.lines.find((l) => typeof l.msg === 'string' && l.msg.includes('logged in to local') && l.requestId === requestId);
    expect(line).toMatchObject({ level: 30, context: 'AuthService' });
    // Outside a request (start-up), a line has a context and no request id.
    const startup = log.lines.find((l) => l.context === 'LocalCrmDemoSeeder' || l.context === 'InstanceLoader');
    if (startup) expect(startup.requestId).toBeUndefined();
  });

  it("keeps a caller's sane x-request-id, puts the id in error bodies, and logs 4xx as warnings", async () => {
    const mine = await t.http.get('/nope?jwtToken=leaky').set('x-request-id', 'trace-0123456789').expect(404);
    expect(mine.headers['x-request-id']).toBe('trace-0123456789');
    expect(mine.body.requestId).toBe('trace-0123456789');
    const invented = await t.http.get('/crmManifest').set('x-request-id', 'bad id with spaces').expect(200);
    expect(invented.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    const line = accessLines().find((l) => l.requestId === 'trace-0123456789')!;
    expect(line).toMatchObject({ level: 40, req: { path: '/nope' }, res: { statusCode: 404 } });
    expect(log.raw()).not.toContain('leaky');
  });

  it('answers liveness and readiness, with the outbox backlog', async () => {
    await t.http.get('/health/live').expect(200);
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' }, outbox: { status: 'up', pending: 0, failed: 0 } },
    });
  });

  it('reports the outbox in metrics and readiness; an old backlog degrades readiness without failing it', async () => {
    const writes = t.get(PendingWritesRepository);
    await writes.enqueue({ writeKey: randomUUID(), userId: 'local-x', kind: 'digest', targetKey: 'digest|x', payload: {} });
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/app_connect_outbox_writes\{state="pending"\} 1/);
    expect(metrics.text).toMatch(/app_connect_outbox_oldest_pending_age_seconds \d/);
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.info.outbox).toMatchObject({ status: 'up', pending: 1 });
    await t.get(DataSource).query(`UPDATE pending_writes SET "createdAt" = ${usesPostgres() ? "now() - interval '2 hours'" : "datetime('now', '-2 hours')"}`);
    const degraded = await t.http.get('/health/ready').expect(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.info.outbox.oldestPendingSeconds).toBeGreaterThan(3600);
    await t.get(DataSource).query('DELETE FROM pending_writes');
  });

  it('exposes Prometheus metrics named by what they measure, with bounded labels', async () => {
    await t.http.get('/crmManifest').expect(200);
    await t.http.get('/no/such/route/12345').expect(404);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(
      /app_connect_http_request_duration_seconds_count\{method="GET",route="\/crmManifest",status_class="2xx"\} \d+/,
    );
    expect(metrics.text).toContain('route="unmatched",status_class="4xx"');
    expect(metrics.text).not.toContain('12345');
    expect(metrics.text).toContain('app_connect_process_resident_memory_bytes');
  });
});

describe('readiness and metrics protection (e2e)', () => {
  it('puts /metrics behind METRICS_TOKEN when set', async () => {
    const t = await createTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    try {
      await t.http.get('/metrics').expect(401);
      await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      await t.http.get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789').expect(200);
    } finally {
      await t.close();
    }
  });

  it('answers 503 when a migration is pending, and when the database is gone', async () => {
    const t = await createTestApp();
    const dataSource = t.get(DataSource);
    try {
      await dataSource.undoLastMigration();
      const pending = await t.http.get('/health/ready').expect(503);
      expect(pending.body.error).toMatchObject({ migrations: { status: 'down' } });
      await dataSource.runMigrations();
      await t.http.get('/health/ready').expect(200);
      await dataSource.destroy();
      const down = await t.http.get('/health/ready').expect(503);
      expect(down.body.error).toHaveProperty('database.status', 'down');
      await t.http.get('/health/live').expect(200);
    } finally {
      if (!dataSource.isInitialized) await dataSource.initialize();
      await t.close();
    }
  });
});
