import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeActivity, type FakePerson, FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { buildServer, ServerProcess } from './support/server-process.js';
import { createTestDatabase, type TestDatabase } from './support/test-app.js';

const TOKEN = 'pd-api-token-faults-0123456789';
const ACTIVITIES = /^\/api\/v2\/activities$/;
const EXTENSION = 'hashed-ext-101';
const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const ME = { phoneNumber: '+16505550199', name: 'Alice Agent' };

/**
 * Short everything, so each fault plays out in seconds: one CRM attempt of 1 s, a claim
 * that lapses 2 s after its last renewal (the least the config accepts; on PostgreSQL with
 * a pool acquire timeout of 1 s), retries capped at 2 s.
 */
const FAST = {
  CRM_HTTP_TIMEOUT_MS: '1000',
  CRM_HTTP_MAX_RETRIES: '0',
  OUTBOX_LEASE_MS: '2000',
  DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
  OUTBOX_POLL_MS: '100',
  OUTBOX_RETRY_BASE_MS: '100',
  OUTBOX_RETRY_MAX_MS: '2000',
  OUTBOX_INLINE_WAIT_MS: '1000',
  SHUTDOWN_GRACE_MS: '5000',
  CONTACT_CACHE_TTL_SECONDS: '0',
};

interface Answer {
  status: number;
  body: any;
}

/** Fault injection with the server as a real process: killed, stopped, restarted; the CRM slow, down, or answering too late. */
describe('exactly once through timeouts, crashes, shutdowns and CRM outages (server process, fake Pipedrive)', () => {
  let fake: FakePipedriveServer;
  let jane: FakePerson;
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  let jwt: string;
  const logDir = mkdtempSync(join(tmpdir(), 'app-connect-faults-'));
  let conversation = 990000;

  const start = async (env: Record<string, string> = {}) => {
    server = await ServerProcess.start({
      database,
      logFile: join(logDir, `${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(-80)}.log`),
      env: { ...fake.env(), ...FAST, ...env },
    });
    return server;
  };

  const call = async (method: string, path: string, body?: unknown, target = server!): Promise<Answer> => {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const login = async () => {
    jwt = '';
    const answer = await call('POST', '/apiKeyLogin', { platform: 'pipedrive', apiKey: TOKEN, hostname: 'acme.pipedrive.com' });
    expect(answer.status).toBe(200);
    jwt = answer.body.jwtToken;
  };

  const callBody = (sessionId: string) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: ME.phoneNumber, extensionNumber: '101' },
      to: { phoneNumber: JANE.phoneNumber, name: JANE.name },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: EXTENSION,
    contactId: String(jane.id),
    contactName: JANE.name,
    contactType: 'Contact',
    note: `Call ${sessionId}`,
  });

  const message = (id: number, minute: number) => ({
    id,
    type: 'SMS',
    direction: 'Inbound',
    from: JANE,
    to: [ME],
    subject: `text number ${id}`,
    creationTime: new Date(Date.parse('2026-06-24T01:00:00.000Z') + minute * 60_000).toISOString(),
    conversationId: conversation,
  });
  const messageLog = (messages: unknown[]) => ({
    contactId: String(jane.id),
    contactName: JANE.name,
    contactType: 'Contact',
    logInfo: { conversationId: conversation, correspondents: [JANE], messages },
  });

  /** Activities whose note mentions this text (a call's note, a digest's message subjects). */
  const activitiesMentioning = (text: string): FakeActivity[] =>
    [...fake.activities.values()].filter((activity) => String(activity.note ?? '').includes(text));

  const smsActivities = (): FakeActivity[] => [...fake.activities.values()].filter((activity) => activity.type === 'sms');

  async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms; server log:\n${server?.tail()}`);
      await sleep(100);
    }
  }

  const callLogged = (sessionId: string) =>
    eventually(`GET /callLog matching ${sessionId}`, async () => {
      const answer = await call('GET', `/callLog?sessionIds=${sessionId}&hashedExtensionId=${EXTENSION}`);
      return answer.body?.logs?.[0]?.matched ? (answer.body.logs[0].logId as string) : undefined;
    });

  const deferred = () => {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    return { promise, release };
  };

  beforeAll(() => {
    buildServer();
  }, 300_000);

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    fake.addUser({ id: 11, name: 'Alice Agent', timezone_name: 'UTC' }, TOKEN);
    jane = fake.addPerson({ name: JANE.name, phones: [JANE.phoneNumber] });
  });

  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(() => {
    database = createTestDatabase();
    fake.reset();
    fake.activities.clear();
    conversation += 1;
  });

  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    await fake.acceptConnections().catch(() => undefined);
    await database.dispose();
  });

  it('a call and an SMS digest whose CRM answer comes after our timeout: the resend makes no second activity', async () => {
    await start();
    await login();
    // Pipedrive takes the write but answers after 2.5 s; we give up after 1 s.
    fake.holdNext({ method: 'POST', path: ACTIVITIES, ms: 2_500 }, 2);
    const sessionId = `s-${randomUUID()}`;
    const first = await call('POST', '/callLog', callBody(sessionId));
    expect(first.status).toBe(200);
    expect(first.body.returnMessage).toMatchObject({ messageType: 'warning' });
    const firstSms = await call('POST', '/messageLog', messageLog([message(1, 1), message(2, 2)]));
    expect(firstSms.status).toBe(200);
    expect(firstSms.body.successful).toBe(true);
    await sleep(2_000);
    expect(activitiesMentioning(`Call ${sessionId}`)).toHaveLength(1);
    expect(smsActivities()).toHaveLength(1);

    // The client, told nothing definite, sends both again (the SMS with one more message).
    const again = await call('POST', '/callLog', callBody(sessionId));
    expect(again.status).toBe(200);
    const againSms = await call('POST', '/messageLog', messageLog([message(1, 1), message(2, 2), message(3, 3)]));
    expect(againSms.status).toBe(200);
    expect(againSms.body.successful).toBe(true);

    const logId = await callLogged(sessionId);
    const [callActivity] = activitiesMentioning(`Call ${sessionId}`);
    expect(logId).toBe(String(callActivity!.id));
    await eventually('the digest holding all 3 messages', () =>
      smsActivities().length === 1 && String(smsActivities()[0]!.note).includes('text number 3') ? true : undefined,
    );
    expect(activitiesMentioning(`Call ${sessionId}`)).toHaveLength(1);
    expect(smsActivities()).toHaveLength(1);
    for (const id of [1, 2, 3]) expect(String(smsActivities()[0]!.note)).toContain(`text number ${id}`);
  }, 60_000);

  it('SIGKILL after Pipedrive took the writes and before our commit: after a restart and a resend, one activity each; the call is matched and can be edited', async () => {
    await start();
    await login();
    const answers = deferred();
    // Pipedrive carries out both creates; their answers wait until the server is dead.
    fake.holdNext({ method: 'POST', path: ACTIVITIES, until: answers.promise }, 2);
    const sessionId = `s-${randomUUID()}`;
    const inFlight = [
      call('POST', '/callLog', callBody(sessionId)).catch((error: Error) => error),
      call('POST', '/messageLog', messageLog([message(1, 1), message(2, 2)])).catch((error: Error) => error),
    ];
    await eventually('both creates at Pipedrive', () => (fake.activities.size === 2 ? true : undefined), 10_000);
    expect((await server!.stop('SIGKILL')).signal).toBe('SIGKILL');
    for (const outcome of await Promise.all(inFlight)) expect(outcome).toBeInstanceOf(Error);
    answers.release();

    await start();
    // The extension heard nothing, so it sends both again (the SMS batch with one more message).
    const again = await call('POST', '/callLog', callBody(sessionId));
    expect(again.status).toBe(200);
    const againSms = await call('POST', '/messageLog', messageLog([message(1, 1), message(2, 2), message(3, 3)]));
    expect(againSms.status).toBe(200);
    expect(againSms.body.successful).toBe(true);

    const logId = await callLogged(sessionId);
    const calls = activitiesMentioning(`Call ${sessionId}`);
    expect(calls).toHaveLength(1);
    expect(logId).toBe(String(calls[0]!.id));
    await eventually('the digest holding all 3 messages', () =>
      smsActivities().length === 1 && String(smsActivities()[0]!.note).includes('text number 3') ? true : undefined,
    );
    expect(smsActivities()).toHaveLength(1);
    for (const id of [1, 2, 3]) expect(String(smsActivities()[0]!.note)).toContain(`text number ${id}`);

    const edited = await call('PATCH', '/callLog', { sessionId, hashedExtensionId: EXTENSION, note: 'Edited after the crash.', duration: 300 });
    expect(edited.status).toBe(200);
    expect(edited.body.successful).toBe(true);
    expect(String(fake.activities.get(Number(logId))!.note)).toContain('Edited after the crash.');
    expect(fake.activities.size).toBe(2);
  }, 90_000);

  it('SIGKILL while Pipedrive holds a create it then carries out: the restarted server adopts it within about a lease, without a resend', async () => {
    // A CRM request may take up to 20 s; the claim lasts 3 s unless renewed.
    const LEASE_MS = 3_000;
    const env = { CRM_HTTP_TIMEOUT_MS: '20000', OUTBOX_LEASE_MS: String(LEASE_MS) };
    await start(env);
    await login();
    const accept = deferred();
    fake.holdNext({ method: 'POST', path: ACTIVITIES, until: accept.promise, beforeProcessing: true });
    const sessionId = `s-${randomUUID()}`;
    const inFlight = call('POST', '/callLog', callBody(sessionId)).catch((error: Error) => error);
    await eventually('the create at Pipedrive', () => (fake.requestsTo('POST', ACTIVITIES).length === 1 ? true : undefined), 10_000);
    // At the CRM for more than two leases: the claim is renewed, so not even this server's
    // own worker takes it over (a take-over would look the record up first).
    await sleep(2.5 * LEASE_MS);
    expect(fake.requestsTo('GET', ACTIVITIES)).toHaveLength(0);
    expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);

    expect((await server!.stop('SIGKILL')).signal).toBe('SIGKILL');
    expect(await inFlight).toBeInstanceOf(Error);
    // Pipedrive finishes the create after our process is gone.
    accept.release();
    await eventually('Pipedrive carried out the create', () => (activitiesMentioning(`Call ${sessionId}`).length === 1 ? true : undefined), 5_000);

    const restartedAt = Date.now();
    await start(env);
    // No resend: the restarted server takes the write over once its last lease ran out,
    // finds the record by its idempotency key and adopts it.
    const logId = await callLogged(sessionId);
    const tookMs = Date.now() - restartedAt;
    expect(tookMs).toBeLessThan(LEASE_MS + 5_000);
    const calls = activitiesMentioning(`Call ${sessionId}`);
    expect(calls).toHaveLength(1);
    expect(logId).toBe(String(calls[0]!.id));
    expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
    expect(fake.requestsTo('GET', ACTIVITIES).length).toBeGreaterThanOrEqual(1);
    expect(fake.activities.size).toBe(1);

    // And it is an ordinary logged call now: a resend creates nothing.
    const resend = await call('POST', '/callLog', callBody(sessionId));
    expect(resend.status).toBe(200);
    expect(fake.activities.size).toBe(1);
  }, 60_000);

  it('SIGTERM during in-flight writes: every client is answered within the grace period, newcomers get 503, an idle keep-alive client does not hold the process, no duplicates', async () => {
    // Pipedrive is slow (1.5 s) but within our timeout.
    await start({ CRM_HTTP_TIMEOUT_MS: '4000', OUTBOX_LEASE_MS: '8000' });
    await login();
    // An idle keep-alive connection, as a browser keeps one.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await new Promise<number>((resolve, reject) =>
      http
        .get(`${server!.url}/isAlive`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        })
        .on('error', reject),
    );
    expect(idle).toBe(200);

    const N = 6;
    fake.holdNext({ method: 'POST', path: ACTIVITIES, ms: 1_500, beforeProcessing: true }, N);
    // A slow contact lookup on the keep-alive connection: no write, so only the HTTP side
    // of the shutdown waits for it, and its connection must not stay open afterwards.
    fake.holdNext({ method: 'GET', path: /^\/api\/v2\/persons\/search$/, ms: 1_500 });
    const lookup = new Promise<{ status: number; connection?: string }>((resolve, reject) =>
      http
        .get(
          `${server!.url}/contact?phoneNumber=%2B14155550100`,
          { agent, headers: { authorization: `Bearer ${jwt}` } },
          (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
          },
        )
        .on('error', reject),
    );
    const sessions = Array.from({ length: N }, () => `s-${randomUUID()}`);
    const sentAt = Date.now();
    const inFlight = sessions.map((sessionId) =>
      call('POST', '/callLog', callBody(sessionId)).then(
        (answer) => ({ answer, at: Date.now() }),
        (error: Error) => ({ error, at: Date.now() }),
      ),
    );
    await eventually(
      'all creates and the lookup at Pipedrive',
      () => (fake.requestsTo('POST', ACTIVITIES).length === N && fake.requestsTo('GET', /persons\/search/).length >= 1 ? true : undefined),
      10_000,
    );
    const stopping = server!.stop('SIGTERM');
    const stoppedAt = Date.now();
    await sleep(100);
    // A newcomer while the server closes: 503 in our envelope, told to close its connection.
    const newcomer = await fetch(`${server!.url}/isAlive`);
    expect(newcomer.status).toBe(503);
    expect(newcomer.headers.get('connection')).toBe('close');
    expect(await newcomer.json()).toMatchObject({ successful: false, error: 'Service Unavailable', returnMessage: { messageType: 'danger' } });

    const outcomes = await Promise.all(inFlight);
    for (const outcome of outcomes) {
      expect('answer' in outcome ? outcome.answer : outcome).toMatchObject({ status: 200, body: { successful: true } });
      expect(outcome.at - stoppedAt).toBeLessThan(5_000);
    }
    expect(await lookup).toEqual({ status: 200, connection: 'close' });
    const ended = await stopping;
    // Within the grace period, although a client kept an idle connection open.
    expect(ended.ms).toBeLessThan(5_000 + 2_000);
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    agent.destroy();
    for (const sessionId of sessions) expect(activitiesMentioning(`Call ${sessionId}`)).toHaveLength(1);
    expect(fake.activities.size).toBe(N);

    // And after a restart, the sessions are known: a resend creates nothing.
    await start();
    for (const sessionId of sessions) await callLogged(sessionId);
    const resend = await call('POST', '/callLog', callBody(sessions[0]!));
    expect(resend.status).toBe(200);
    expect(fake.activities.size).toBe(N);
  }, 90_000);

  it('Pipedrive down for 20 s while 20 messages arrive in 20 requests: all 20 reach it afterwards, without a resend, in time order, in one activity', async () => {
    await start();
    await login();
    await fake.refuseConnections();
    const downAt = Date.now();
    for (let i = 1; i <= 20; i++) {
      const answer = await call('POST', '/messageLog', messageLog([message(i, i)]));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
      await sleep(Math.max(0, downAt + i * 1_000 - Date.now()));
    }
    expect(smsActivities()).toHaveLength(0);
    await fake.acceptConnections();
    const backAt = Date.now();

    const [activity] = await eventually(
      'the digest with all 20 messages',
      () => {
        const found = smsActivities();
        return found.length === 1 && String(found[0]!.note).includes('text number 20') ? found : undefined;
      },
      30_000,
    );
    const deliveredInMs = Date.now() - backAt;
    const note = String(activity!.note);
    // Every message once, in the order they were written.
    const order = [...note.matchAll(/text number (\d+)\b/g)].map((match) => Number(match[1]));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(smsActivities()).toHaveLength(1);
    // OUTBOX_RETRY_MAX_MS is 2 s here: the backlog goes out well within it and a poll.
    expect(deliveredInMs).toBeLessThan(10_000);
  }, 90_000);
});
