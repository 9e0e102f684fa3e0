import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalCrmConnector } from '../src/connectors/local/local-crm.connector.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CallLogsRepository } from '../src/persistence/repositories/call-logs.repository.js';
import { PendingWritesRepository } from '../src/persistence/repositories/pending-writes.repository.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const owner = createHash('sha256').update('demo').digest('hex').slice(0, 16);

// Two servers on one PostgreSQL, as behind a load balancer: what serialises one call's or one
// digest's writes must live in the database, not in either process.
describe.skipIf(!usesPostgres())('two instances on one PostgreSQL (e2e)', () => {
  let crm: CountingCrm;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    crm = new CountingCrm();
    a = await createTestApp({ imports: [CountingCrmModule.register(crm)] });
    b = await createTestApp({ imports: [CountingCrmModule.register(crm)], database: a.database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('keeps all 4 fields of 4 concurrent PATCHes of one call sent to both instances', async () => {
    const [tokenA, tokenB] = [await a.login(), await b.login()];
    const sessionId = `s-${randomUUID()}`;
    const created = await a.http
      .post('/callLog')
      .set('Authorization', `Bearer ${tokenA}`)
      .send({
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
      })
      .expect(200);
    expect(created.body.successful).toBe(true);

    // A CRM that takes its time widens the window in which the PATCHes overlap.
    for (const app of [a, b]) {
      const connector = app.get(LocalCrmConnector);
      const update = connector.updateCallLog.bind(connector);
      vi.spyOn(connector, 'updateCallLog').mockImplementation(async (params) => {
        await sleep(50);
        return update(params);
      });
    }
    const fields = [{ note: 'Renewal agreed.' }, { subject: 'Renewal call' }, { aiNote: 'Customer is happy.' }, { transcript: 'Hello...' }];
    const responses = await Promise.all(
      fields.map((field, i) =>
        (i % 2 ? b : a).http
          .patch('/callLog')
          .set('Authorization', `Bearer ${i % 2 ? tokenB : tokenA}`)
          .send({ sessionId, hashedExtensionId: 'hashed-ext-101', ...field }),
      ),
    );
    for (const response of responses) expect(response.body).toMatchObject({ successful: true });

    const row = await a.get(CallLogsRepository).findBySession({ userId: `local-${owner}`, sessionId, extensionKey: 'hashed-ext-101' });
    expect(row!.details).toMatchObject({
      note: 'Renewal agreed.',
      subject: 'Renewal call',
      aiNote: 'Customer is happy.',
      transcript: 'Hello...',
    });
    const [activity] = (await a.get(LocalCrmStore).listActivities(owner, 'call')).filter((x) => x.details?.sessionId === sessionId);
    expect(activity!.subject).toBe('Renewal call');
    for (const text of ['Renewal agreed.', 'Customer is happy.', 'Hello...']) expect(activity!.body).toContain(text);
  });

  it('20 concurrent messages of one digest sent to both instances give one activity and at most 3 CRM writes', async () => {
    const [tokenA, tokenB] = [await a.login('counting', 'key'), await b.login('counting', 'key')];
    crm.delayMs = 15;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? b : a).http
          .post('/messageLog')
          .set('Authorization', `Bearer ${i % 2 ? tokenB : tokenA}`)
          .send({
            contactId: '1',
            contactName: 'Jane Smith',
            logInfo: {
              conversationId: 777001,
              correspondents: [JANE],
              messages: [
                {
                  id: 9000 + i,
                  type: 'SMS',
                  direction: 'Inbound',
                  from: JANE,
                  subject: `message ${i}`,
                  creationTime: new Date(Date.parse('2026-06-24T08:00:00.000Z') + i * 60_000).toISOString(),
                  conversationId: 777001,
                },
              ],
            },
          }),
      ),
    );
    for (const response of responses) expect(response.body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
    expect(crm.activities.size).toBe(1);
    const [activity] = crm.activities.values();
    expect(new Set(activity!.messageIds).size).toBe(20);
    expect(activity!.messageIds).toHaveLength(20);
    expect(crm.writes).toBeLessThanOrEqual(3);
    // Each request heard it was logged, also those carried by the other instance's write.
    expect(responses.filter((r) => r.body.returnMessage?.messageType === 'warning')).toEqual([]);
  });
});

// A claim lasts only OUTBOX_LEASE_MS unless its instance renews it: a delivery much slower
// than that must stay with the instance running it, or the other would send it again.
describe.skipIf(!usesPostgres())('two instances on one PostgreSQL, a delivery slower than several leases (e2e)', () => {
  const LEASE = { OUTBOX_LEASE_MS: '2000', DATABASE_ACQUIRE_TIMEOUT_MS: '1000', OUTBOX_POLL_MS: '50' };
  let crm: CountingCrm;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    crm = new CountingCrm();
    a = await createTestApp({ imports: [CountingCrmModule.register(crm)], env: LEASE });
    b = await createTestApp({ imports: [CountingCrmModule.register(crm)], env: LEASE, database: a.database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('is not taken over by the other instance while it runs: one CRM write, no reconciliation', async () => {
    const token = await a.login('counting', 'key');
    const userId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const pending = () => b.get(PendingWritesRepository).findByUser(userId);
    // 7 s at the CRM: three and a half leases.
    crm.delayMs = 7_000;
    const startedAt = Date.now();
    const response = a.http
      .post('/messageLog')
      .set('Authorization', `Bearer ${token}`)
      .send({
        contactId: '1',
        contactName: 'Jane Smith',
        logInfo: {
          conversationId: 777002,
          correspondents: [JANE],
          messages: [{ id: 9100, type: 'SMS', direction: 'Inbound', from: JANE, subject: 'slow one', creationTime: '2026-06-24T09:00:00.000Z', conversationId: 777002 }],
        },
      })
      .then((r) => r);
    await vi.waitFor(async () => expect(await pending()).toMatchObject([{ state: 'delivering' }]), { timeout: 3_000, interval: 20 });
    const [claimed] = await pending();
    // Both workers poll every 50 ms for expired claims meanwhile.
    await sleep(5_000);
    const [held] = await pending();
    expect(held).toMatchObject({ writeKey: claimed!.writeKey, state: 'delivering', attempts: 1, outcomeUnknown: 0 });
    expect(Date.parse(held!.leaseUntil!)).toBeGreaterThan(Date.now());

    expect((await response).body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(7_000);
    expect(crm.creates).toHaveLength(1);
    expect(crm.updates).toHaveLength(0);
    expect(crm.searches).toEqual([]);
    expect(crm.activities.size).toBe(1);
    expect(await pending()).toEqual([]);
  }, 30_000);
});
