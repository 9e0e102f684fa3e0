import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppException } from '../src/common/app.exception.js';
import { LocalCrmConnector } from '../src/connectors/local/local-crm.connector.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { CallLogsRepository } from '../src/persistence/repositories/call-logs.repository.js';
import { MessageLogsRepository } from '../src/persistence/repositories/message-logs.repository.js';
import { PendingWritesRepository } from '../src/persistence/repositories/pending-writes.repository.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { createTestApp, createTestDatabase, type TestApp, usesPostgres } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };

const sms = (id: number, minute: number, conversationId = 555100) => ({
  id,
  type: 'SMS',
  direction: 'Inbound',
  from: JANE,
  subject: `message ${id}`,
  creationTime: new Date(Date.parse('2026-06-24T08:00:00.000Z') + minute * 60_000).toISOString(),
  conversationId,
});

const messageLog = (messages: unknown[], conversationId = 555100) => ({
  contactId: '1',
  contactName: 'Jane Smith',
  logInfo: { conversationId, correspondents: [JANE], messages },
});

/** Far enough ahead that every backoff and claim has run out. */
const later = () => Date.now() + 60 * 60_000;

const userIdOf = (jwt: string) => (new JwtService().decode(jwt) as { sub: string }).sub;

describe('the outbox: CRM writes survive outages, lost answers and crashes (e2e)', () => {
  let crm: CountingCrm;
  let t: TestApp;
  let token: string;
  let userId: string;

  const post = (body: object, app = t, jwt = token) =>
    app.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(body);
  const pending = () => t.get(PendingWritesRepository).findByUser(userId);
  const ledger = () => t.get(MessageLogsRepository).findByUser(userId);
  const worker = (app = t) => app.get(OutboxWorker);

  async function start(configure: (crm: CountingCrm) => void = () => undefined, env: Record<string, string> = {}) {
    crm = new CountingCrm();
    configure(crm);
    t = await createTestApp({ imports: [CountingCrmModule.register(crm)], env });
    token = await t.login('counting', 'any-key');
    userId = userIdOf(token);
  }

  afterEach(async () => {
    await t?.close();
  });

  it('keeps messages through an outage, folds later requests in, and the worker logs all with one write', async () => {
    await start((c) => Object.assign(c, { failures: 3, failureStatus: 429 }));
    const first = await post(messageLog([sms(2, 2), sms(1, 1)])).expect(200);
    expect(first.body).toMatchObject({ successful: true, logIds: ['1', '2'], returnMessage: { messageType: 'warning' } });
    // Each later request tries the queued write once (the CRM may be back), carrying its own messages along.
    const second = await post(messageLog([sms(3, 3)])).expect(200);
    expect(second.body).toMatchObject({ successful: true, logIds: ['3'], returnMessage: { messageType: 'warning' } });
    const third = await post(messageLog([sms(4, 4)])).expect(200);
    expect(third.body).toMatchObject({ successful: true, logIds: ['4'] });
    expect(crm.activities.size).toBe(0);
    expect(await pending()).toMatchObject([{ state: 'pending', attempts: 3, lastError: 'Counting CRM is down for maintenance' }]);

    expect(await worker().runOnce(later())).toBe(1);
    expect(crm.activities.size).toBe(1);
    const [activity] = crm.activities.values();
    expect(activity!.messageIds).toEqual(['1', '2', '3', '4']);
    expect(activity!.body).toContain('Messages: 4');
    expect(crm.creates.at(-1)!.messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect((await ledger()).map((row) => row.messageId).sort()).toEqual(['1', '2', '3', '4']);
    expect(await pending()).toEqual([]);

    // Nothing is left to do, and a re-send costs nothing.
    expect(await worker().runOnce(later())).toBe(0);
    expect(await post(messageLog([sms(1, 1), sms(4, 4)])).expect(200).then((r) => r.body)).toEqual({
      successful: true,
      logIds: [],
      returnMessage: null,
    });
  });

  it('delivers a queued write on its own, on the worker timer', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 429 }), {
      OUTBOX_POLL_MS: '20',
      OUTBOX_RETRY_BASE_MS: '20',
    });
    await post(messageLog([sms(1, 1)])).expect(200);
    for (let i = 0; i < 100 && crm.activities.size === 0; i++) await sleep(20);
    expect(crm.activities.size).toBe(1);
    for (let i = 0; i < 50 && (await pending()).length > 0; i++) await sleep(20);
    expect(await pending()).toEqual([]);
    expect(await ledger()).toHaveLength(1);
  });

  it('after a 429, spends none of the user\'s rate budget on their other queued writes until the retry time', async () => {
    await start((c) => Object.assign(c, { failures: 3, failureStatus: 429 }), {
      OUTBOX_POLL_MS: '3600000',
      OUTBOX_RETRY_BASE_MS: '1000',
      OUTBOX_CONCURRENCY: '1',
    });
    await post(messageLog([sms(1, 1, 1)], 1)).expect(200);
    await post(messageLog([sms(2, 2, 2)], 2)).expect(200);
    expect((await pending()).map((w) => w.attempts)).toEqual([1, 1]);
    await sleep(1300);
    // The first is tried and answered 429; the second is left alone in the same pass.
    expect(await worker().runOnce()).toBe(1);
    expect((await pending()).map((w) => w.attempts)).toEqual([2, 1]);
    expect(crm.writes).toBe(3);

    expect(await worker().runOnce(later())).toBe(2);
    expect(crm.activities.size).toBe(2);
    expect(await pending()).toEqual([]);
  });

  it('backs off exponentially with jitter up to OUTBOX_RETRY_MAX_MS, and waits at least a Retry-After', async () => {
    await start((c) => Object.assign(c, { failures: 100, failureStatus: 503 }), {
      OUTBOX_POLL_MS: '3600000',
      OUTBOX_RETRY_BASE_MS: '1000',
      OUTBOX_RETRY_MAX_MS: '4000',
    });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const before = Date.now();
      if (attempt === 1) await post(messageLog([sms(1, 1)])).expect(200);
      else await worker().runOnce(later());
      const [write] = await pending();
      expect(write!.attempts).toBe(attempt);
      waits.push(Date.parse(write!.nextAttemptAt) - before);
    }
    // Upper half of 1, 2, 4, 4, 4, 4 s (the cap), give or take the clock between statements.
    const ceilings = [1000, 2000, 4000, 4000, 4000, 4000];
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(ceilings[i]! / 2 - 1000);
      expect(wait).toBeLessThanOrEqual(ceilings[i]! + 1000);
    });

    crm.failureRetryAfterMs = 20_000;
    const before = Date.now();
    await worker().runOnce(later());
    const [write] = await pending();
    expect(Date.parse(write!.nextAttemptAt) - before).toBeGreaterThanOrEqual(20_000);
    expect(crm.activities.size).toBe(0);
  });

  it('gives a write up after OUTBOX_MAX_AGE: parked as failed with its reason, and messages can be logged again', async () => {
    await start((c) => Object.assign(c, { failures: 3, failureStatus: 503 }), { OUTBOX_POLL_MS: '3600000', OUTBOX_MAX_AGE: '2h' });
    await post(messageLog([sms(1, 1)])).expect(200);
    // Not yet: an hour on, it is still tried.
    await worker().runOnce(Date.now() + 60 * 60_000);
    expect(await pending()).toMatchObject([{ state: 'pending', attempts: 2 }]);
    await worker().runOnce(Date.now() + 3 * 60 * 60_000);
    expect(await pending()).toMatchObject([
      { state: 'failed', attempts: 2, lastError: 'Not delivered within 2 h: Counting CRM is down for maintenance' },
    ]);
    expect(crm.writes).toBe(2);
    expect(crm.activities.size).toBe(0);
    expect(await ledger()).toEqual([]);
    // A failed write is never tried again; a resend logs the messages.
    await worker().runOnce(Date.now() + 5 * 60 * 60_000);
    expect(crm.writes).toBe(2);
    crm.failures = 0;
    await post(messageLog([sms(1, 1)])).expect(200);
    expect(crm.activities.size).toBe(1);
    expect(await ledger()).toHaveLength(1);
  });

  it('with OUTBOX_ENABLED=false, answers a CRM outage as a plain failure and keeps nothing', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 503 }), { OUTBOX_ENABLED: 'false' });
    const response = await post(messageLog([sms(1, 1)])).expect(200);
    expect(response.body).toMatchObject({
      successful: false,
      returnMessage: { message: 'Counting CRM is down for maintenance', messageType: 'danger' },
    });
    expect(await pending()).toEqual([]);
    expect(await ledger()).toEqual([]);
    expect(await worker().runOnce(later())).toBe(0);
    expect(crm.writes).toBe(1);
    expect(crm.activities.size).toBe(0);
    // The client's resend is what logs it.
    await post(messageLog([sms(1, 1)])).expect(200).expect((r) => expect(r.body).toMatchObject({ successful: true, logIds: ['1'] }));
    expect(crm.activities.size).toBe(1);
  });

  it('reconciles a create whose answer was lost: finds it by its key and never creates it twice', async () => {
    await start((c) => Object.assign(c, { loseAnswers: 1 }));
    const response = await post(messageLog([sms(1, 1)])).expect(200);
    expect(response.body).toMatchObject({
      successful: true,
      logIds: ['1'],
      returnMessage: { message: expect.stringContaining('Counting CRM did not answer in time.') },
    });
    expect(crm.activities.size).toBe(1);
    const [landed] = crm.activities.values();
    const [write] = await pending();
    expect(write).toMatchObject({ state: 'pending', outcomeUnknown: 1 });
    expect(landed!.idempotencyKey).toBe(write!.writeKey);

    expect(await worker().runOnce(later())).toBe(1);
    expect(crm.searches).toEqual([write!.writeKey]);
    expect(crm.creates).toHaveLength(1);
    expect(await ledger()).toMatchObject([{ messageId: '1', thirdPartyLogId: landed!.id }]);
    expect(await pending()).toEqual([]);

    // The reconciled digest is the one later messages update.
    await post(messageLog([sms(2, 2)])).expect(200);
    expect(crm.updates).toHaveLength(1);
    expect(crm.activities.size).toBe(1);
    expect(landed!.messageIds).toEqual(['1', '2']);
  });

  it('keeps no RingCentral token in a queued write: the worker sends the view link without the download link', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 429 }));
    const secret = `rc-token-${randomUUID()}`;
    const fax = {
      id: 9,
      type: 'Fax',
      direction: 'Inbound',
      from: JANE,
      creationTime: '2026-06-24T09:00:00.000Z',
      conversationId: 555100,
      attachments: [{ type: 'RenderedDocument', uri: 'https://media.ringcentral.com/restapi/v1.0/account/~/extension/~/message-store/9/content/9', link: 'https://app.example/fax/9' }],
    };
    await post({ ...messageLog([fax]), logInfo: { ...messageLog([fax]).logInfo, rcAccessToken: secret } }).expect(200);
    // The request's own attempt had the download link with the token.
    expect(crm.creates[0]!.faxDownloadLink).toContain(secret);
    const [write] = await pending();
    expect(JSON.stringify(write)).not.toContain(secret);

    expect(await worker().runOnce(later())).toBe(1);
    const delivered = crm.creates.at(-1)!;
    expect(delivered.faxDocLink).toBe('https://app.example/fax/9');
    expect(delivered.faxDownloadLink).toBeUndefined();
    expect(JSON.stringify(delivered)).not.toContain(secret);
  });

  it('when recording the outcome fails after the CRM took the write, the retry reconciles and nothing is made twice', async () => {
    await start();
    vi.spyOn(t.get(MessageLogsRepository), 'recordAccepted').mockRejectedValueOnce(new Error('disk I/O error'));
    const failed = await post(messageLog([sms(1, 1)])).expect(500);
    expect(failed.body.returnMessage.message).toMatch(/error id/i);
    expect(crm.activities.size).toBe(1);
    expect(await pending()).toMatchObject([{ state: 'pending', outcomeUnknown: 1 }]);

    expect(await worker().runOnce(later())).toBe(1);
    expect(crm.creates).toHaveLength(1);
    expect(crm.activities.size).toBe(1);
    const [activity] = crm.activities.values();
    expect(await ledger()).toMatchObject([{ messageId: '1', thirdPartyLogId: activity!.id }]);
    expect(await pending()).toEqual([]);
    vi.restoreAllMocks();
  });

  it('parks an unknown-outcome create the CRM cannot be searched for, and never sends it again', async () => {
    await start((c) => Object.assign(c, { loseAnswers: 1, searchable: false }));
    await post(messageLog([sms(1, 1)])).expect(200);
    expect(await worker().runOnce(later())).toBe(1);
    expect(await pending()).toMatchObject([{ state: 'failed', lastError: expect.stringContaining('cannot be checked') }]);
    expect(await worker().runOnce(later())).toBe(0);
    expect(crm.creates).toHaveLength(1);
    expect(crm.activities.size).toBe(1);
  });

  it('takes over a write whose claim expired (its instance died) and reconciles it before sending', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 429 }));
    await post(messageLog([sms(1, 1)])).expect(200);
    const [write] = await pending();
    expect(write!.outcomeUnknown).toBe(0);
    // Another instance claims it and dies with it at the CRM.
    const repository = t.get(PendingWritesRepository);
    expect(await repository.claim(write!.writeKey, 60_000, later())).not.toBeNull();

    expect(await worker().runOnce(Date.now())).toBe(0);
    expect(crm.searches).toEqual([]);
    expect(await worker().runOnce(later() + 2 * 60_000)).toBe(1);
    expect(crm.searches).toEqual([write!.writeKey]);
    expect(crm.activities.size).toBe(1);
    expect(await ledger()).toHaveLength(1);
    expect(await pending()).toEqual([]);
  });

  it('renews a claim only while it is still delivering under the lease its claimant gave it', async () => {
    await start((c) => Object.assign(c, { failures: 2, failureStatus: 429 }));
    await post(messageLog([sms(1, 1)])).expect(200);
    await post(messageLog([sms(2, 2, 555101)], 555101)).expect(200);
    const [first, second] = await pending();
    const repository = t.get(PendingWritesRepository);
    const mine = (await repository.claim(first!.writeKey, 5_000, later()))!;
    const lapsed = (await repository.claim(second!.writeKey, 5_000, later()))!;
    // The second claim ran out and another instance took the write over under a lease of its own.
    const theirs = (await repository.claim(second!.writeKey, 5_000, later() + 60_000))!;
    expect(theirs.outcomeUnknown).toBe(1);

    const now = later() + 1_000;
    const renewal = await repository.renew(
      new Map([
        [mine.writeKey, mine.leaseUntil!],
        [lapsed.writeKey, lapsed.leaseUntil!],
        ['no-such-write', mine.leaseUntil!],
      ]),
      5_000,
      now,
    );
    expect([...renewal.renewed]).toEqual([mine.writeKey]);
    expect(renewal.leaseUntil).toBe(new Date(now + 5_000).toISOString());
    expect((await repository.find(mine.writeKey))!.leaseUntil).toBe(renewal.leaseUntil);
    expect((await repository.find(second!.writeKey))!.leaseUntil).toBe(theirs.leaseUntil);

    // Settled (given back to the queue): nothing left to renew.
    await repository.reschedule(mine.writeKey, now, 'again', false);
    expect((await repository.renew(new Map([[mine.writeKey, renewal.leaseUntil]]), 5_000, now)).renewed.size).toBe(0);
    expect((await repository.find(mine.writeKey))!).toMatchObject({ state: 'pending', leaseUntil: null });
  });

  it('keeps renewing the claim of a delivery slower than several leases, so its own worker never takes it over', async () => {
    await start((c) => Object.assign(c, { delayMs: 7_000 }), { OUTBOX_LEASE_MS: '2000', DATABASE_ACQUIRE_TIMEOUT_MS: '1000', OUTBOX_POLL_MS: '50' });
    const response = post(messageLog([sms(1, 1)])).then((r) => r);
    await vi.waitFor(async () => expect(await pending()).toMatchObject([{ state: 'delivering' }]), { timeout: 2_000, interval: 20 });
    const [claimed] = await pending();
    await sleep(4_500);
    const [renewed] = await pending();
    expect(renewed).toMatchObject({ writeKey: claimed!.writeKey, state: 'delivering', attempts: 1, outcomeUnknown: 0 });
    expect(Date.parse(renewed!.leaseUntil!)).toBeGreaterThan(Date.parse(claimed!.leaseUntil!) + 2_000);
    expect(Date.parse(renewed!.leaseUntil!)).toBeGreaterThan(Date.now());

    expect((await response).body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
    expect(crm.creates).toHaveLength(1);
    expect(crm.searches).toEqual([]);
    expect(crm.activities.size).toBe(1);
    expect(await pending()).toEqual([]);
  }, 20_000);

  it('parks a queued write the CRM then refuses, with its reason, and a re-send logs the messages', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 429 }));
    await post(messageLog([sms(1, 1)])).expect(200);
    Object.assign(crm, { failures: 1, failureStatus: 400 });
    expect(await worker().runOnce(later())).toBe(1);
    expect(await pending()).toMatchObject([{ state: 'failed', lastError: 'Counting CRM is down for maintenance' }]);
    expect(await ledger()).toEqual([]);

    const resent = await post(messageLog([sms(1, 1)])).expect(200);
    expect(resent.body).toMatchObject({ successful: true, logIds: ['1'], returnMessage: { messageType: 'success' } });
    expect(crm.activities.size).toBe(1);
  });

  it('refuses in the request what the CRM refuses for good, and keeps nothing', async () => {
    await start((c) => Object.assign(c, { failures: 1, failureStatus: 400 }));
    const refused = await post(messageLog([sms(1, 1)])).expect(200);
    expect(refused.body).toMatchObject({
      successful: false,
      logIds: [],
      returnMessage: { messageType: 'danger', message: 'Counting CRM is down for maintenance' },
    });
    expect(await pending()).toEqual([]);
    expect(await ledger()).toEqual([]);
  });

  it('on shutdown, waits for a write at the CRM and records its outcome before the database closes', async () => {
    const database = createTestDatabase();
    try {
      crm = new CountingCrm();
      crm.delayMs = 400;
      t = await createTestApp({ imports: [CountingCrmModule.register(crm)], database });
      token = await t.login('counting', 'any-key');
      userId = userIdOf(token);
      const inFlight = post(messageLog([sms(1, 1)]));
      const response = inFlight.then((r) => r);
      for (let i = 0; i < 100 && crm.creates.length === 0; i++) await sleep(5);
      expect(crm.creates).toHaveLength(1);
      await t.close();
      expect((await response).body).toMatchObject({ successful: true, logIds: ['1'] });

      t = await createTestApp({ imports: [CountingCrmModule.register(crm)], database });
      expect(await ledger()).toMatchObject([{ messageId: '1' }]);
      expect(await pending()).toEqual([]);
    } finally {
      await t.close();
      await database.dispose();
    }
  });

  it.skipIf(!usesPostgres())(
    'two instances sharing PostgreSQL deliver each queued write once (needs TEST_DATABASE_URL=postgres://...)',
    async () => {
      await start((c) => Object.assign(c, { failures: 6, failureStatus: 429 }));
      for (let conversation = 1; conversation <= 6; conversation++) {
        await post(messageLog([sms(conversation, conversation, conversation)], conversation)).expect(200);
      }
      expect(await pending()).toHaveLength(6);
      const second = await createTestApp({ imports: [CountingCrmModule.register(crm)], database: t.database });
      try {
        crm.delayMs = 20;
        const [a, b] = await Promise.all([worker().runOnce(later()), worker(second).runOnce(later())]);
        expect(a + b).toBe(6);
        expect(crm.activities.size).toBe(6);
        expect(crm.creates.length - 6).toBe(6);
        expect(await ledger()).toHaveLength(6);
        expect(await pending()).toEqual([]);
      } finally {
        await second.close();
      }
    },
  );
});

describe('the outbox for call logs (e2e, local CRM)', () => {
  let t: TestApp;
  let token: string;
  const owner = createHash('sha256').update('demo').digest('hex').slice(0, 16);
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const callBody = (sessionId: string) => ({
    logInfo: {
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: '1',
    contactName: 'Jane Smith',
    note: 'Discussed renewal options.',
  });

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('keeps a create through an outage; the worker reconciles, creates it once, and GET then matches it', async () => {
    const sessionId = `s-${randomUUID()}`;
    const connector = t.get(LocalCrmConnector);
    vi.spyOn(connector, 'createCallLog').mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is busy', 503));
    const queued = await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    expect(queued.body).toEqual({
      successful: true,
      returnMessage: {
        message: 'CRM is busy. The call is queued and will be written to Local CRM automatically.',
        messageType: 'warning',
        ttl: expect.any(Number),
      },
    });
    // Queued counts as logged: the extension must not offer to log it again, and a resend is refused.
    const whileQueued = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
    expect(whileQueued.body).toEqual({
      successful: true,
      logs: [{ sessionId, matched: true }],
      returnMessage: {
        message: '1 call is queued and will be written to Local CRM automatically.',
        messageType: 'warning',
        ttl: expect.any(Number),
      },
    });
    const again = await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    expect(again.body).toMatchObject({ successful: false, returnMessage: { message: `Existing log for session ${sessionId}` } });
    const find = vi.spyOn(connector, 'findLogByIdempotencyKey');
    expect(await t.get(OutboxWorker).runOnce(later())).toBe(1);
    expect(find).toHaveBeenCalledTimes(1);
    const activities = (await t.get(LocalCrmStore).listActivities(owner, 'call')).filter((a) => a.details?.sessionId === sessionId);
    expect(activities).toHaveLength(1);
    const lookup = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
    expect(lookup.body.logs).toEqual([{ sessionId, matched: true, logId: String(activities[0]!.id) }]);
  });

  it('applies updates in order: one kept through an outage is merged into the next, and the CRM gets both', async () => {
    const sessionId = `s-${randomUUID()}`;
    await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    const connector = t.get(LocalCrmConnector);
    const update = vi
      .spyOn(connector, 'updateCallLog')
      .mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is busy', 503));
    const first = await t.http
      .patch('/callLog')
      .set(auth())
      .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Renewal agreed.' })
      .expect(200);
    expect(first.body).toMatchObject({
      successful: true,
      logId: expect.any(String),
      updatedNote: 'Renewal agreed.',
      returnMessage: { message: 'CRM is busy. The change is queued and will be written to Local CRM automatically.' },
    });
    const second = await t.http
      .patch('/callLog')
      .set(auth())
      .send({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 300 })
      .expect(200);
    expect(second.body).toMatchObject({ successful: true, updatedNote: 'Renewal agreed.' });
    expect(update).toHaveBeenCalledTimes(2);
    expect(update.mock.calls[1]![0]).toMatchObject({ note: 'Renewal agreed.', duration: 300 });

    const row = await t.get(CallLogsRepository).findBySession({
      userId: `local-${owner}`,
      sessionId,
      extensionKey: 'hashed-ext-101',
    });
    expect(row!.details).toMatchObject({ note: 'Renewal agreed.', callLog: { duration: 300 } });
    expect(await t.get(PendingWritesRepository).findByUser(`local-${owner}`)).toEqual([]);
  });

  it('merges PATCHes of a queued call into its create: the CRM gets one write with every field', async () => {
    const sessionId = `s-${randomUUID()}`;
    const connector = t.get(LocalCrmConnector);
    const create = vi
      .spyOn(connector, 'createCallLog')
      .mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is busy', 503))
      .mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is busy', 503));
    const update = vi.spyOn(connector, 'updateCallLog');
    const patch = (fields: object) =>
      t.http.patch('/callLog').set(auth()).send({ sessionId, hashedExtensionId: 'hashed-ext-101', ...fields }).expect(200);
    const posted = await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    expect(posted.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
    // The PATCH tries the queued create once more (the CRM is still down) and is folded into it.
    const first = await patch({ note: 'Renewal agreed.' });
    expect(first.body).toMatchObject({ successful: true, updatedNote: 'Renewal agreed.', returnMessage: { messageType: 'warning' } });
    expect(first.body.logId).toBeUndefined();
    // The CRM is back: this PATCH delivers the create itself, carrying both PATCHes.
    const second = await patch({ subject: 'Renewal call' });
    expect(second.body).toMatchObject({ successful: true, logId: expect.any(String), updatedNote: 'Renewal agreed.' });
    expect(create).toHaveBeenCalledTimes(3);
    expect(update).not.toHaveBeenCalled();
    expect(create.mock.calls[2]![0]).toMatchObject({ note: 'Renewal agreed.', subject: 'Renewal call', contactInfo: { id: '1' } });

    const activities = (await t.get(LocalCrmStore).listActivities(owner, 'call')).filter((a) => a.details?.sessionId === sessionId);
    expect(activities).toHaveLength(1);
    expect(String(activities[0]!.id)).toBe(second.body.logId);
    expect(await t.get(PendingWritesRepository).findByUser(`local-${owner}`)).toEqual([]);
    const row = await t.get(CallLogsRepository).findBySession({ userId: `local-${owner}`, sessionId, extensionKey: 'hashed-ext-101' });
    expect(row).toMatchObject({ thirdPartyLogId: second.body.logId, details: { note: 'Renewal agreed.', subject: 'Renewal call' } });
    const lookup = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
    expect(lookup.body).toEqual({ successful: true, logs: [{ sessionId, matched: true, logId: second.body.logId }] });
  });

  it('a PATCH folded into a create whose answer was lost reaches the record the reconcile finds', async () => {
    const sessionId = `s-${randomUUID()}`;
    const connector = t.get(LocalCrmConnector);
    const original = connector.createCallLog.bind(connector);
    const create = vi.spyOn(connector, 'createCallLog').mockImplementationOnce(async (params) => {
      await original(params);
      throw AppException.crmRequestFailed('local', 'Local CRM did not answer in time', 504);
    });
    const update = vi.spyOn(connector, 'updateCallLog');
    await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    const patched = await t.http
      .patch('/callLog')
      .set(auth())
      .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Renewal agreed.' })
      .expect(200);
    expect(patched.body).toMatchObject({ successful: true, logId: expect.any(String), updatedNote: 'Renewal agreed.' });
    // Found by its key, not created again; the folded PATCH went to the found record.
    expect(create).toHaveBeenCalledTimes(1);
    expect(update).toHaveBeenCalledTimes(1);
    const activities = (await t.get(LocalCrmStore).listActivities(owner, 'call')).filter((a) => a.details?.sessionId === sessionId);
    expect(activities).toHaveLength(1);
    expect(String(activities[0]!.id)).toBe(patched.body.logId);
    expect(update.mock.calls[0]![0]).toMatchObject({ note: 'Renewal agreed.', existingCallLog: { thirdPartyLogId: patched.body.logId } });
    const row = await t.get(CallLogsRepository).findBySession({ userId: `local-${owner}`, sessionId, extensionKey: 'hashed-ext-101' });
    expect(row).toMatchObject({ thirdPartyLogId: patched.body.logId, details: { note: 'Renewal agreed.' } });
  });

  it('after OUTBOX_MAX_AGE gives a queued call back: failed with its reason, not matched, and it can be logged again', async () => {
    const sessionId = `s-${randomUUID()}`;
    const connector = t.get(LocalCrmConnector);
    const create = vi.spyOn(connector, 'createCallLog').mockRejectedValue(AppException.crmRequestFailed('local', 'CRM is busy', 429));
    await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    const lookup = () => t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
    expect((await lookup()).body.logs).toEqual([{ sessionId, matched: true }]);

    await t.get(OutboxWorker).runOnce(Date.now() + 25 * 60 * 60_000);
    const writes = await t.get(PendingWritesRepository).findByUser(`local-${owner}`);
    expect(writes).toMatchObject([{ kind: 'call-create', state: 'failed', lastError: 'Not delivered within 24 h: CRM is busy' }]);
    expect((await lookup()).body).toEqual({ successful: true, logs: [{ sessionId, matched: false }] });
    const attempts = create.mock.calls.length;

    create.mockRestore();
    const again = await t.http.post('/callLog').set(auth()).send(callBody(sessionId)).expect(200);
    expect(again.body).toMatchObject({ successful: true, logId: expect.any(String) });
    expect((await lookup()).body.logs).toEqual([{ sessionId, matched: true, logId: again.body.logId }]);
    // The failed write stays for an operator and is never sent.
    await t.get(OutboxWorker).runOnce(Date.now() + 26 * 60 * 60_000);
    expect(attempts).toBe(1);
    const activities = (await t.get(LocalCrmStore).listActivities(owner, 'call')).filter((a) => a.details?.sessionId === sessionId);
    expect(activities).toHaveLength(1);
    await t.get(PendingWritesRepository).remove(writes.map((w) => w.writeKey));
  });

  it('with OUTBOX_ENABLED=false, answers a call the CRM cannot take now as a failure and gives the session back', async () => {
    const off = await createTestApp({ env: { OUTBOX_ENABLED: 'false' } });
    try {
      const jwt = await off.login();
      const sessionId = `s-${randomUUID()}`;
      const connector = off.get(LocalCrmConnector);
      vi.spyOn(connector, 'createCallLog').mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is busy', 503));
      const failed = await off.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send(callBody(sessionId)).expect(200);
      expect(failed.body).toMatchObject({ successful: false, returnMessage: { message: 'CRM is busy', messageType: 'danger' } });
      expect(await off.get(PendingWritesRepository).findByUser(`local-${owner}`)).toEqual([]);
      const lookup = await off.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`)
        .set('Authorization', `Bearer ${jwt}`);
      expect(lookup.body.logs).toEqual([{ sessionId, matched: false }]);
      const again = await off.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send(callBody(sessionId)).expect(200);
      expect(again.body).toMatchObject({ successful: true, logId: expect.any(String) });
    } finally {
      await off.close();
    }
  });
});
