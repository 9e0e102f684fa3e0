import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { PendingWritesRepository } from '../src/persistence/repositories/pending-writes.repository.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ACTIVITIES = /^\/api\/v2\/activities$/;
const CLIENTS = 8;
const RUN_MS = 10_000;

// Pipedrive answering 429 past 20 writes per 2 s, as its burst limit does: the account's
// writes wait for budget instead, and nothing is lost, doubled or refused.
describe('a rate-limited Pipedrive: 8 clients for 10 s (e2e, fake Pipedrive)', () => {
  let fake: FakePipedriveServer;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    t = await createTestApp({ env: { ...fake.env(), PIPEDRIVE_RATE_LIMIT_PER_2S: '20', CONTACT_CACHE_TTL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('logs every call exactly once, answers every request, and draws (almost) no 429', { timeout: 60_000 }, async () => {
    const jane = fake.addPerson({ name: 'Jane Smith', phones: ['+14155550100'] });
    const tokens = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const apiToken = `pd-token-rate-${i}-0123456789`;
        fake.addUser({ id: 300 + i, name: `Agent ${i}` }, apiToken);
        return t.login('pipedrive', apiToken, { hostname: 'acme.pipedrive.com' });
      }),
    );
    fake.writeLimit = { writes: 20, windowMs: 2_000 };
    const sent: string[] = [];
    const answers: { status: number; body: Record<string, unknown> }[] = [];
    const until = Date.now() + RUN_MS;
    await Promise.all(
      tokens.map(async (jwt) => {
        while (Date.now() < until) {
          const sessionId = `s-${randomUUID()}`;
          sent.push(sessionId);
          const response = await t.http
            .post('/callLog')
            .set('Authorization', `Bearer ${jwt}`)
            .send({
              logInfo: {
                sessionId,
                direction: 'Outbound',
                from: { phoneNumber: '+16505550199' },
                to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
                startTime: '2026-06-24T02:30:00.000Z',
                duration: 60,
                result: 'Call connected',
              },
              hashedExtensionId: 'ext',
              contactId: String(jane.id),
              contactName: 'Jane Smith',
            });
          answers.push({ status: response.status, body: response.body });
        }
      }),
    );

    // No client request failed, and each was logged in its request (none left queued).
    expect(answers.filter((a) => a.status !== 200 || a.body.successful !== true || !a.body.logId)).toEqual([]);
    expect(await t.get(PendingWritesRepository).findByUser(`pipedrive-11`)).toEqual([]);
    // Nothing lost, nothing doubled: one activity per session sent.
    const created = [...fake.activities.values()];
    expect(created).toHaveLength(sent.length);
    expect(new Set(answers.map((a) => a.body.logId)).size).toBe(sent.length);
    // Paced to the budget: the fake's limit was (almost) never hit.
    expect(fake.rateLimited).toBeLessThanOrEqual(2);
    // And the budget was used: about 10 writes a second over the run.
    expect(fake.requestsTo('POST', ACTIVITIES).length).toBeGreaterThan(60);
    console.info(
      `rate budget: ${sent.length} calls by ${CLIENTS} clients in ${RUN_MS / 1000} s, ${fake.rateLimited} 429s, ` +
        `${fake.requestsTo('POST', ACTIVITIES).length} activity POSTs`,
    );
  });
});
