import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import { FakeInsightlyServer, type FakeInsightlyPerson } from './fakes/fake-insightly.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { manifestProblems } from './support/manifest-rules.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const EVENTS = /^\/v3\.1\/Events$/i;
const EVENT_LINKS = /^\/v3\.1\/Events\/\d+\/Links$/i;
const API_KEY = 'insightly-key-ada';
const API_URL = 'https://api.na1.insightly.com/v3.1';

const newSessionId = () => `s-${randomUUID()}`;

describe('Insightly connector through our routes (e2e, fake Insightly)', () => {
  let fake: FakeInsightlyServer;
  let t: TestApp;
  let token: string;
  let jane: FakeInsightlyPerson;
  let bob: FakeInsightlyPerson;
  let lena: FakeInsightlyPerson;
  let dotted: FakeInsightlyPerson;

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });
  const login = (apiKey: string, extra: Record<string, unknown> = {}) =>
    t.http.post('/apiKeyLogin').send({ platform: 'insightly', apiKey, hostname: 'crm.na1.insightly.com', additionalInfo: { apiUrl: API_URL }, ...extra });

  const callBody = (sessionId: string, person: FakeInsightlyPerson, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: `${person.FIRST_NAME} ${person.LAST_NAME}` },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: String(person.id),
    contactName: `${person.FIRST_NAME} ${person.LAST_NAME}`,
    contactType: person.type,
    note: 'Asked for the <renewal> quote.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakeInsightlyServer.start();
    t = await createTestApp({
      env: {
        INSIGHTLY_API_BASE_URL: fake.apiRoot,
        CRM_HTTP_MAX_RETRIES: '2',
        CRM_HTTP_TIMEOUT_MS: '2000',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    fake.addUser({ USER_ID: 501, FIRST_NAME: 'Ada', LAST_NAME: 'Agent', TIMEZONE_ID: 'Pacific Standard Time' }, API_KEY);
    fake.addUser({ USER_ID: 502, FIRST_NAME: 'Ben', LAST_NAME: 'Broker' }, 'insightly-key-ben');
    // One number, stored the ways people type it, on contacts and on a lead.
    jane = fake.addPerson('Contact', { FIRST_NAME: 'Jane', LAST_NAME: 'Smith', PHONE: '+14155550100', EMAIL_ADDRESS: 'jane@example.com' });
    bob = fake.addPerson('Contact', { FIRST_NAME: 'Bob', LAST_NAME: 'Jones', PHONE_MOBILE: '(415) 555-0100' });
    lena = fake.addPerson('Lead', { FIRST_NAME: 'Lena', LAST_NAME: 'Lead', MOBILE: '4155550100' });
    dotted = fake.addPerson('Contact', { FIRST_NAME: 'Dot', LAST_NAME: 'Ted', PHONE: '415.555.0100' });
    fake.addPerson('Contact', { FIRST_NAME: 'Near', LAST_NAME: 'Miss', PHONE: '+14155550109' });
    const response = await login(API_KEY).expect(200);
    token = response.body.jwtToken;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('checks the key with Users/Me (HTTP Basic, key as user name), keeps the pod host, and stores the key encrypted', async () => {
      const response = await login('insightly-key-ben').expect(200);
      expectResponseMatchesContract('post', '/apiKeyLogin', response);
      expect(response.body).toMatchObject({ name: 'Ben Broker', returnMessage: { messageType: 'success' } });
      const [me, ...others] = fake.requests;
      expect(others).toHaveLength(0);
      expect(me).toMatchObject({ method: 'GET', path: '/v3.1/Users/Me' });
      expect(me.headers.authorization).toBe(`Basic ${Buffer.from('insightly-key-ben:').toString('base64')}`);
      const stored = await t.get(UsersRepository).findById('insightly-502');
      expect(stored).toMatchObject({ hostname: 'crm.na1.insightly.com', platformAdditionalInfo: { apiHost: 'api.na1.insightly.com' } });
      expect(stored?.credentials).not.toContain('insightly-key-ben');
      expect(JSON.stringify(response.body)).not.toContain('insightly-key-ben');
    });

    it('maps the Windows time zone Insightly reports to an IANA zone', async () => {
      expect((await t.get(UsersRepository).findById('insightly-501'))?.timezone).toBe('America/Los_Angeles');
    });

    it('answers a refused key with Insightly reason, and a missing key with a 400 naming apiKey', async () => {
      const refused = await login('wrong-key').expect(400);
      expect(refused.body).toMatchObject({ successful: false, errorCode: 'CRM_LOGIN_REJECTED' });
      expect(refused.body.returnMessage.message).toMatch(/Authorization has been denied/);
      const missing = await t.http.post('/apiKeyLogin').send({ platform: 'insightly', additionalInfo: { apiUrl: API_URL } }).expect(400);
      expect(missing.body.fields).toEqual(['apiKey']);
    });

    it.each([
      ['additionalInfo.apiUrl', { additionalInfo: { apiUrl: 'https://evil.example.com/v3.1' } }],
      ['additionalInfo.apiUrl', { additionalInfo: { apiUrl: 'https://api.na1.insightly.com.evil.example/v3.1' } }],
      ['hostname', { hostname: '169.254.169.254', additionalInfo: {} }],
    ])('refuses an API address that is not Insightly, naming %s, before sending the key anywhere', async (field, extra) => {
      const response = await login(API_KEY, extra).expect(400);
      expect(response.body.fields).toEqual([field]);
      expect(fake.requests).toHaveLength(0);
    });

    it('lists Insightly in the manifest: API key and API URL page, plain text, Contact and Lead', async () => {
      const response = await t.http.get('/crmManifest?platformName=insightly').expect(200);
      expectResponseMatchesContract('get', '/crmManifest', response);
      expect(manifestProblems(response.body, 'insightly')).toEqual([]);
      expect(response.body.platforms.insightly).toMatchObject({
        name: 'insightly',
        displayName: 'Insightly',
        auth: { type: 'apiKey', apiKey: { page: { content: [{ const: 'apiKey' }, { const: 'apiUrl' }] } } },
        logFormat: 'text/plain',
        contactTypes: [{ display: 'Contact', value: 'Contact' }, { display: 'Lead', value: 'Lead' }],
        embedUrls: ['https://*.insightly.com/*'],
      });
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['plain digits', '4155550100'],
    ])('finds contacts and the lead stored in different formats from %s, once each', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      expectResponseMatchesContract('get', '/contact', response);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string; type: string }) => `${c.type}:${c.id}`).sort()).toEqual(
        [`Contact:${jane.id}`, `Contact:${bob.id}`, `Lead:${lena.id}`].sort(),
      );
      expect(found.find((c: { id: string }) => c.id === String(jane.id))).toMatchObject({ name: 'Jane Smith', phone: '+14155550100', email: 'jane@example.com' });
      const searches = fake.requests.filter((r) => /\/Search$/.test(r.path));
      const fields = new Set(searches.map((s) => `${s.path.split('/')[2]}.${s.query.field_name}`));
      expect([...fields].sort()).toEqual(['Contacts.PHONE', 'Contacts.PHONE_MOBILE', 'Leads.MOBILE', 'Leads.PHONE']);
      expect(new Set(searches.map((s) => s.query.field_value))).toEqual(new Set(['+14155550100', '(415) 555-0100', '4155550100', '+1 415 555 0100']));
    });

    it("finds a number stored in the user's own format through overridingFormat", async () => {
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100&overridingFormat=***.***.****').set(auth()).expect(200);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string }) => c.id)).toEqual([String(dotted.id)]);
    });

    it('creates a contact and a lead; refuses another type, naming the field', async () => {
      const contact = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550177', newContactName: 'Nina Van New', newContactType: 'Contact' })
        .expect(200);
      expectResponseMatchesContract('post', '/contact', contact);
      expect(contact.body.contact).toMatchObject({ name: 'Nina Van New', type: 'Contact' });
      const [post] = fake.requestsTo('POST', /^\/v3\.1\/Contacts$/);
      expect(post.body).toEqual({ FIRST_NAME: 'Nina Van', LAST_NAME: 'New', PHONE: '+14155550177' });
      const lead = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550178', newContactName: 'Leo', newContactType: 'Lead' })
        .expect(200);
      expect(fake.person('Lead', lead.body.contact.id)).toMatchObject({ LAST_NAME: 'Leo', PHONE: '+14155550178' });
      const refused = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550179', newContactName: 'Org Anisation', newContactType: 'Organisation' })
        .expect(400);
      expect(refused.body.fields).toEqual(['newContactType']);
    });
  });

  describe('call logging', () => {
    it('creates an event linked to the contact, refuses a duplicate, looks it up, and updates it', async () => {
      const sessionId = newSessionId();
      const created = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expectResponseMatchesContract('post', '/callLog', created);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
      const event = fake.events.get(Number(created.body.logId))!;
      expect(event).toMatchObject({ START_DATE_UTC: '2026-06-24 02:30:00', END_DATE_UTC: '2026-06-24 02:32:05', ALL_DAY: false });
      expect(event.TITLE).toMatch(/Jane Smith/);
      // Plain text: the note as typed, no HTML escaping; our key on a last line of its own.
      expect(event.DETAILS).toContain('Asked for the <renewal> quote.');
      expect(event.DETAILS).toMatch(/\n\n\[rc-app-connect-key:[^\]]+\]$/);
      expect(event.LINKS).toEqual([{ LINK_ID: expect.any(Number), LINK_OBJECT_NAME: 'Contact', LINK_OBJECT_ID: jane.id }]);
      expect(fake.requestsTo('POST', EVENTS)).toHaveLength(1);

      const duplicate = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(duplicate.body.successful).toBe(false);
      expect(fake.requestsTo('POST', EVENTS)).toHaveLength(1);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expectResponseMatchesContract('get', '/callLog', lookup);
      expect(lookup.body.logs[0]).toMatchObject({ matched: true, logId: created.body.logId });
      expect(lookup.body.logs[0].logData).toMatchObject({ subject: event.TITLE, contactName: 'Jane Smith' });
      expect(lookup.body.logs[0].logData.fullBody).toContain('<renewal>');
      expect(lookup.body.logs[0].logData.fullBody).not.toContain('rc-app-connect-key');

      fake.reset();
      const patched = await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Quote sent by mail.' })
        .expect(200);
      expectResponseMatchesContract('patch', '/callLog', patched);
      const [put, ...more] = fake.requestsTo('PUT', EVENTS);
      expect(more).toHaveLength(0);
      expect(put.body).toMatchObject({ EVENT_ID: event.EVENT_ID, TITLE: event.TITLE });
      expect(event.DETAILS).toContain('Quote sent by mail.');
      expect(event.LINKS).toHaveLength(1);
    });

    it('links a call with a lead to the lead', async () => {
      const created = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), lena)).expect(200);
      expect(fake.events.get(Number(created.body.logId))!.LINKS).toMatchObject([{ LINK_OBJECT_NAME: 'Lead', LINK_OBJECT_ID: lena.id }]);
    });

    it('waits out a 429 with Retry-After, then logs the call once', async () => {
      fake.failNext({ status: 429, method: 'POST', path: EVENTS, headers: { 'retry-after': '1' }, body: { Message: 'API rate limit exceeded' } });
      const before = fake.events.size;
      const startedAt = Date.now();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob)).expect(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      expect(response.body).toMatchObject({ successful: true, logId: expect.any(String) });
      expect(fake.requestsTo('POST', EVENTS)).toHaveLength(2);
      expect(fake.events.size).toBe(before + 1);
    });

    it('reconciles a create whose answer was lost: one event, found by its key, linked by the worker', async () => {
      const sessionId = newSessionId();
      fake.slowNext({ ms: 2600, method: 'POST', path: EVENTS });
      const before = fake.events.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, bob)).expect(200);
      // Insightly made the event, we did not hear back: kept, not posted again.
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
      expect(fake.events.size).toBe(before + 1);
      const made = [...fake.events.values()].at(-1)!;
      expect(made.LINKS).toEqual([]);

      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.requestsTo('POST', EVENTS)).toHaveLength(1);
      expect(fake.requestsTo('GET', /^\/v3\.1\/Events\/Search$/)).toHaveLength(1);
      expect(fake.events.size).toBe(before + 1);
      expect(made.LINKS).toMatchObject([{ LINK_OBJECT_NAME: 'Contact', LINK_OBJECT_ID: bob.id }]);
      const seen = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth()).expect(200);
      expect(seen.body.logs[0]).toMatchObject({ matched: true, logId: String(made.EVENT_ID) });
    });

    it('keeps a call whose event was made but not linked for the worker, which links it instead of posting again', async () => {
      fake.failNext({ status: 400, method: 'POST', path: EVENT_LINKS, body: { Message: 'Link refused for now' } });
      const before = fake.events.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), jane)).expect(200);
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning', message: expect.stringContaining('Link refused for now') } });
      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.events.size).toBe(before + 1);
      expect([...fake.events.values()].at(-1)!.LINKS).toMatchObject([{ LINK_OBJECT_NAME: 'Contact', LINK_OBJECT_ID: jane.id }]);
    });
  });

  describe('message logging', () => {
    const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
    const ME = { phoneNumber: '+16505550199', name: 'Ada Agent' };
    let conversation = 880000;
    const message = (id: number, at: string) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? JANE : ME,
      to: [id % 2 ? ME : JANE],
      subject: `text number ${id}`,
      creationTime: at,
      conversationId: conversation,
    });
    const messageLog = (messages: unknown[]) => ({
      contactId: String(jane.id),
      contactName: 'Jane Smith',
      contactType: 'Contact',
      logInfo: { conversationId: conversation, correspondents: [JANE], messages },
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 5, day, 18, minute)).toISOString();

    beforeEach(() => {
      conversation++;
    });

    it('creates a digest event, updates it the same day, starts another the next day, and skips a re-send', async () => {
      const first = await post(messageLog([message(1, at(24, 1))])).expect(200);
      expectResponseMatchesContract('post', '/messageLog', first);
      const digest = [...fake.events.values()].at(-1)!;
      expect(digest.LINKS).toMatchObject([{ LINK_OBJECT_NAME: 'Contact', LINK_OBJECT_ID: jane.id }]);
      expect(digest.DETAILS).toContain('text number 1');

      fake.reset();
      await post(messageLog([message(2, at(24, 2)), message(3, at(24, 3))])).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /v3.1/Events']);
      for (const id of [1, 2, 3]) expect(digest.DETAILS).toContain(`text number ${id}`);
      expect(digest.END_DATE_UTC).toBe('2026-06-24 18:03:00');

      fake.reset();
      await post(messageLog([message(5, at(25, 1))])).expect(200);
      expect(fake.requestsTo('POST', EVENTS)).toHaveLength(1);
      const nextDay = [...fake.events.values()].at(-1)!;
      expect(nextDay.EVENT_ID).not.toBe(digest.EVENT_ID);
      expect(nextDay.DETAILS).not.toContain('text number 1');

      fake.reset();
      const resend = await post(messageLog([message(5, at(25, 1)), message(3, at(24, 3))])).expect(200);
      expect(resend.body).toMatchObject({ successful: true, logIds: [] });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('revoked key', () => {
    it('answers 401 CRM_SESSION_REVOKED once Insightly refuses the stored key', async () => {
      const jwt = (await login('insightly-key-ben').expect(200)).body.jwtToken as string;
      fake.apiKeys.delete('insightly-key-ben');
      try {
        const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt));
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ errorCode: 'CRM_SESSION_REVOKED' });
        expect(response.body.returnMessage.message).toMatch(/Authorization has been denied/);
      } finally {
        fake.apiKeys.set('insightly-key-ben', 502);
      }
    });

    it('refreshes the user information from Users/Me', async () => {
      fake.users.get(501)!.LAST_NAME = 'Renamed';
      try {
        const response = await t.http.post('/user/refreshInfo').set(auth()).expect(200);
        expect(response.body.successful).toBe(true);
        expect(await t.get(UsersRepository).findById('insightly-501')).toMatchObject({ name: 'Ada Renamed', platformAdditionalInfo: { apiHost: 'api.na1.insightly.com' } });
      } finally {
        fake.users.get(501)!.LAST_NAME = 'Agent';
      }
    });
  });
});

describe('Insightly without a configured API root', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CRM_HTTP_TIMEOUT_MS: '500', CRM_HTTP_MAX_RETRIES: '0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks for the API URL, naming it, when the login gives no Insightly host', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'insightly', apiKey: 'k' }).expect(400);
    expect(response.body.fields).toEqual(['additionalInfo.apiUrl']);
  });

  it('refuses a non-Insightly API URL before any request', async () => {
    const response = await t.http
      .post('/apiKeyLogin')
      .send({ platform: 'insightly', apiKey: 'k', additionalInfo: { apiUrl: 'http://127.0.0.1:9/v3.1' } })
      .expect(400);
    expect(response.body.fields).toEqual(['additionalInfo.apiUrl']);
  });
});
