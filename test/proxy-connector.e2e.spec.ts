import 'reflect-metadata';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConnectorRegistry } from '../src/connectors/connector-registry.service.js';
import { DeliveryService } from '../src/delivery/delivery.service.js';
import { FakeFreshdeskServer } from './fakes/fake-freshdesk.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const SHIPPED = JSON.parse(readFileSync(new URL('../connectors/freshdesk.json', import.meta.url), 'utf8')) as {
  meta: Record<string, unknown>;
  requestDefaults: Record<string, unknown>;
  operations: Record<string, Record<string, unknown>>;
};
const API_KEY = 'fd-api-key-0123456789';
const HOST = 'acme.freshdesk.com';
const JANE_PHONE = '+14155550100';

/** A folder holding the given configs, one file each. */
function configDir(configs: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-configs-'));
  for (const [file, config] of Object.entries(configs)) writeFileSync(join(dir, file), JSON.stringify(config));
  return dir;
}

/** The shipped config, its requests sent to the fake instead of the user's Freshdesk host. */
const pointedAt = (fake: FakeFreshdeskServer, changes: (config: typeof SHIPPED) => void = () => {}) => {
  const config = structuredClone(SHIPPED);
  config.requestDefaults.baseUrl = `${fake.url}/api/v2`;
  changes(config);
  return config;
};

describe('config-defined connectors: the shipped Freshdesk config against a fake Freshdesk (e2e)', () => {
  let fake: FakeFreshdeskServer;
  let t: TestApp;
  let jwt: string;
  let janeId: number;

  beforeAll(async () => {
    fake = await FakeFreshdeskServer.start();
    fake.agents.set(API_KEY, { id: 77, name: 'Fiona Freshdesk', email: 'fiona@acme.example' });
    janeId = fake.addContact({ name: 'Jane Smith', phone: JANE_PHONE, email: 'jane@example.com' }).id;
    const perMessage = pointedAt(fake, (config) => {
      // Written for App Connect's calling pattern: one write per message, rendering message fields.
      config.meta = { ...config.meta, name: 'freshdeskPerMessage', displayName: 'Freshdesk (per message)' };
      config.operations.createMessageLog.body = { ...(config.operations.createMessageLog.body as object), description: '{{message.subject}}' };
      config.operations.updateMessageLog.body = { description: '{{message.subject}}' };
    });
    t = await createTestApp({
      env: { CONNECTOR_CONFIG_DIR: configDir({ 'freshdesk.json': pointedAt(fake), 'per-message.json': perMessage }), CRM_HTTP_MAX_RETRIES: '2' },
    });
    const login = await t.http.post('/apiKeyLogin').send({ platform: 'freshdesk', apiKey: API_KEY, hostname: HOST }).expect(200);
    jwt = login.body.jwtToken;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const auth = () => ({ Authorization: `Bearer ${jwt}` });

  it('is listed in the manifest and signs in with the API key, only to an account host the config allows', async () => {
    const manifest = await t.http.get('/crmManifest?platformName=freshdesk').expect(200);
    expect(manifest.body.platforms.freshdesk).toMatchObject({ displayName: 'Freshdesk', logFormat: 'text/html' });
    const [me] = fake.requestsTo('GET', /\/agents\/me$/);
    expect(me).toBeDefined();
    const elsewhere = await t.http.post('/apiKeyLogin').send({ platform: 'freshdesk', apiKey: API_KEY, hostname: '127.0.0.1:9' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.message).toMatch(/account address/);
    const wrongKey = await t.http.post('/apiKeyLogin').send({ platform: 'freshdesk', apiKey: 'nope', hostname: HOST });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.message).toMatch(/did not accept/);
  });

  it('finds the contact by phone and creates one, through a 429 with Retry-After', async () => {
    const found = await t.http.get(`/contact?phoneNumber=${encodeURIComponent(JANE_PHONE)}`).set(auth()).expect(200);
    expectResponseMatchesContract('get', '/contact', found);
    expect(found.body.contact[0]).toMatchObject({ id: String(janeId), name: 'Jane Smith', email: 'jane@example.com' });
    fake.rateLimitNext = 1;
    const created = await t.http.post('/contact').set(auth()).send({ phoneNumber: '+14155550177', newContactName: 'Tom New' }).expect(200);
    expect(created.body).toMatchObject({ successful: true, contact: { name: 'Tom New' } });
    expect(fake.requestsTo('POST', /\/contacts$/)).toHaveLength(2);
  });

  it('logs a call as a closed phone ticket carrying the idempotency tag, updates and reads it back', async () => {
    const sessionId = `fd-${Date.now()}`;
    const logged = await t.http
      .post('/callLog')
      .set(auth())
      .send({
        logInfo: {
          sessionId,
          direction: 'Inbound',
          from: { phoneNumber: JANE_PHONE, name: 'Jane Smith' },
          to: { phoneNumber: '+16505550199' },
          startTime: '2026-06-24T02:30:00.000Z',
          duration: 65,
          result: 'Call connected',
        },
        contactId: String(janeId),
        contactName: 'Jane Smith',
        note: 'Asked about <b>pricing</b>',
      })
      .expect(200);
    expect(logged.body).toMatchObject({ successful: true, logId: expect.any(String) });
    const ticket = fake.tickets.get(Number(logged.body.logId))!;
    expect(ticket).toMatchObject({ requester_id: janeId, source: 3, status: 5 });
    expect(ticket.tags).toEqual([expect.stringMatching(/^ac-.+/)]);
    expect(ticket.description).toContain('Asked about &lt;b&gt;pricing&lt;/b&gt;');

    await t.http.patch('/callLog').set(auth()).send({ sessionId, note: 'Sent the price list.' }).expect(200);
    expect(fake.tickets.get(ticket.id)!.description).toContain('Sent the price list.');

    const read = await t.http.get(`/callLog?sessionIds=${sessionId}&requireDetails=true`).set(auth()).expect(200);
    expect(read.body.logs[0]).toMatchObject({ matched: true, logId: String(ticket.id) });
  });

  it('logs a digest as one ticket, the next batch of the day replacing its description with the whole digest', async () => {
    const sms = (id: string, minute: number, text: string) => ({
      id,
      type: 'SMS',
      direction: 'Inbound',
      from: { phoneNumber: JANE_PHONE, name: 'Jane Smith' },
      to: [{ phoneNumber: '+16505550199' }],
      subject: text,
      creationTime: `2026-06-24T03:${String(minute).padStart(2, '0')}:00.000Z`,
      conversationId: 'fd-conv-1',
    });
    const log = (messages: unknown[], platformJwt = jwt) =>
      t.http
        .post('/messageLog')
        .set({ Authorization: `Bearer ${platformJwt}` })
        .send({ contactId: String(janeId), contactName: 'Jane Smith', logInfo: { conversationId: 'fd-conv-1', correspondents: [{ phoneNumber: JANE_PHONE }], messages } })
        .expect(200);
    const ticketsBefore = fake.tickets.size;
    await log([sms('fd-1', 1, 'First'), sms('fd-2', 2, 'Second')]);
    await log([sms('fd-3', 3, 'Third')]);
    expect(fake.tickets.size).toBe(ticketsBefore + 1);
    const ticket = [...fake.tickets.values()].at(-1)!;
    for (const text of ['First', 'Second', 'Third']) expect(ticket.description).toContain(text);
    expect(fake.requestsTo('PUT', new RegExp(`/tickets/${ticket.id}$`))).toHaveLength(1);

    // A config written for App Connect's per-message pattern gets one call per message, in order.
    const perMessage = (await t.http.post('/apiKeyLogin').send({ platform: 'freshdeskPerMessage', apiKey: API_KEY, hostname: HOST }).expect(200)).body.jwtToken;
    const before = fake.requests.length;
    const batch = await log([sms('pm-1', 11, 'one'), sms('pm-2', 12, 'two'), sms('pm-3', 13, 'three')], perMessage);
    const writes = fake.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${(r.body as { description: string }).description}`)).toEqual(['POST one', 'PUT two', 'PUT three']);
    expect(batch.body).toMatchObject({ successful: true, logIds: ['pm-1', 'pm-2', 'pm-3'] });

    // Each message is recorded as logged after its own call: when an update of a batch
    // fails, what went before is kept, the failed one is not repeated behind the client's
    // back (an append cannot be looked up), and the client's re-send adds only what is missing.
    const writesSince = (from: number) =>
      fake.requests.slice(from).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${(r.body as { description: string }).description}`);
    const sms2 = (id: string, minute: number, text: string) => ({ ...sms(id, minute, text), conversationId: 'fd-conv-2' });
    const log2 = (messages: unknown[]) =>
      t.http
        .post('/messageLog')
        .set({ Authorization: `Bearer ${perMessage}` })
        .send({ contactId: String(janeId), contactName: 'Jane Smith', logInfo: { conversationId: 'fd-conv-2', correspondents: [{ phoneNumber: JANE_PHONE }], messages } })
        .expect(200);
    const batch2 = [sms2('pm2-1', 21, 'a'), sms2('pm2-2', 22, 'b'), sms2('pm2-3', 23, 'c')];
    const mark = fake.requests.length;
    const tickets = fake.tickets.size;
    fake.failNext({ status: 503, method: 'PUT', path: /\/tickets\/\d+$/ });
    const failed = await log2(batch2);
    expect(failed.body.successful).toBe(false);
    expect(failed.body.returnMessage.message).toMatch(/may or may not have added a message/);
    expect(writesSince(mark)).toEqual(['POST a', 'PUT b']);
    const resent = await log2(batch2);
    expect(resent.body).toMatchObject({ successful: true, logIds: ['pm2-2', 'pm2-3'] });
    // The failed PUT b was answered 503 without being carried out: b, c each reached Freshdesk once.
    expect(writesSince(mark)).toEqual(['POST a', 'PUT b', 'PUT b', 'PUT c']);
    expect(fake.tickets.size).toBe(tickets + 1);
    expect((await log2(batch2)).body).toMatchObject({ successful: true, logIds: [] });

    // An append interrupted with its outcome unknown (the server died during it; here, a
    // queued update whose claim is marked so, as a take-over does) is parked, not sent again,
    // until the user retries it from the console.
    fake.failNext({ status: 429, headers: { 'retry-after': '3600' }, method: 'PUT', path: /\/tickets\/\d+$/ });
    const queued = await log2([sms2('pm2-4', 25, 'd')]);
    expect(queued.body.successful).toBe(true);
    const dataSource = t.get(DataSource);
    const [pending] = (await dataSource.query(`SELECT "writeKey", "userId" FROM pending_writes WHERE state = 'pending'`)) as {
      writeKey: string;
      userId: string;
    }[];
    await dataSource.query(`UPDATE pending_writes SET "outcomeUnknown" = 1 WHERE "writeKey" = '${pending!.writeKey}'`);
    const delivery = t.get(DeliveryService);
    const parked = await delivery.retryNow(pending!.userId, pending!.writeKey);
    expect(parked).toMatchObject({ status: 'failed', reason: expect.stringMatching(/was interrupted: it may or may not have been added/) });
    // Only the PUT answered 429 (not carried out) so far.
    expect(writesSince(mark).filter((w) => w === 'PUT d')).toHaveLength(1);
    expect(await delivery.retryNow(pending!.userId, pending!.writeKey)).toEqual({ status: 'delivered' });
    expect(writesSince(mark).filter((w) => w === 'PUT d')).toHaveLength(2);
  });

  it('finds a ticket by its idempotency tag', async () => {
    const [ticket] = [...fake.tickets.values()];
    const connector = t.get(ConnectorRegistry).get('freshdesk');
    const key = ticket.tags[0].slice(3);
    const { logId } = await connector.findLogByIdempotencyKey!({
      user: { id: 'freshdesk-77', crmUserId: '77', hostname: HOST, platform: 'freshdesk', name: 'x', timezone: 'UTC', platformAdditionalInfo: null },
      authHeader: `Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`,
      kind: 'call',
      idempotencyKey: key,
      contactInfo: { id: String(janeId), name: 'Jane Smith' },
      since: new Date().toISOString(),
    });
    expect(logId).toBe(String(ticket.id));
  });
});

describe('config-defined connectors at start', () => {
  it('stops the server with the file and the path of a mistake', async () => {
    const config = structuredClone(SHIPPED);
    (config.operations as Record<string, unknown>).findContct = { url: '/contacts' };
    const dir = configDir({ 'broken.json': config });
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(/broken\.json[\s\S]*\/operations\/findContct/);
  });

  it('refuses a config whose name another connector has', async () => {
    const config = structuredClone(SHIPPED);
    config.meta.name = 'pipedrive';
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: configDir({ 'dupe.json': config }) } })).rejects.toThrow(
      /Duplicate connector name "pipedrive"/,
    );
  });
});
