import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const owner = createHash('sha256').update('demo').digest('hex').slice(0, 16);

const digest = (conversationId: number) => ({
  contactId: '1',
  contactName: 'Jane Smith',
  logInfo: {
    conversationId,
    correspondents: [JANE],
    messages: [
      {
        id: conversationId,
        type: 'SMS',
        direction: 'Inbound',
        from: JANE,
        subject: `message of ${conversationId}`,
        creationTime: '2026-06-24T08:00:00.000Z',
        conversationId,
      },
    ],
  },
});

const call = (sessionId: string) => ({
  logInfo: {
    sessionId,
    direction: 'Outbound',
    from: { phoneNumber: '+16505550199', extensionNumber: '101' },
    to: JANE,
    startTime: '2026-06-24T02:30:00.000Z',
    duration: 60,
    result: 'Call connected',
  },
  hashedExtensionId: 'hashed-ext-101',
  contactId: '1',
  contactName: 'Jane Smith',
});

// The local CRM keeps its records in our database, so each of its writes needs a pooled
// connection too: with 2 connections, nothing of ours may hold one across a CRM call.
describe.skipIf(!usesPostgres())('PostgreSQL with a pool of 2 connections (e2e, local CRM)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '5000' } });
    token = await t.login();
  });
  afterAll(async () => {
    await t.close();
  });

  it('completes 8 concurrent digests of different conversations and then 8 calls, in bounded time', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const base = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const conversations = Array.from({ length: 8 }, (_, i) => base + i);
    const sessions = Array.from({ length: 8 }, () => `s-${randomUUID()}`);
    const started = Date.now();

    const digests = await Promise.all(conversations.map((id) => t.http.post('/messageLog').set(auth).send(digest(id))));
    const calls = await Promise.all(sessions.map((id) => t.http.post('/callLog').set(auth).send(call(id))));
    const elapsed = Date.now() - started;

    for (const response of digests) {
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
      // Delivered, not queued behind a spent pool.
      expect(response.body.returnMessage?.messageType).not.toBe('warning');
    }
    for (const response of calls) {
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ successful: true, logId: expect.any(String) });
    }
    expect(elapsed).toBeLessThan(10_000);

    const store = t.get(LocalCrmStore);
    const callActivities = (await store.listActivities(owner, 'call')).filter((a) => sessions.includes(String(a.details?.sessionId)));
    expect(callActivities).toHaveLength(8);
    const messageActivities = await store.listActivities(owner, 'message');
    const logged = new Set(digests.map((r) => r.body.logIds[0]));
    expect(logged.size).toBe(8);
    expect(messageActivities.length).toBeGreaterThanOrEqual(8);
  });

  it('answers /isAlive and the next request while the pool is busy', async () => {
    await t.http.get('/isAlive').expect(200);
    await t.http.get('/callLog?sessionIds=none&hashedExtensionId=x').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('fails a request that cannot get a connection after DATABASE_ACQUIRE_TIMEOUT_MS instead of hanging', async () => {
    const tight = await createTestApp({ env: { DATABASE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '500' } });
    const runners = [tight.get(DataSource).createQueryRunner(), tight.get(DataSource).createQueryRunner()];
    try {
      const jwt = await tight.login();
      // Both connections taken, as a stuck query would take them.
      for (const runner of runners) await runner.connect();
      const started = Date.now();
      const response = await tight.http.get('/callLog?sessionIds=s-1&hashedExtensionId=x').set('Authorization', `Bearer ${jwt}`);
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const runner of runners) await runner.release();
      await tight.close();
    }
  });
});
