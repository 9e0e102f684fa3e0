import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import { FakeRedtailServer, type FakeRedtailContact } from './fakes/fake-redtail.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { manifestProblems } from './support/manifest-rules.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ACTIVITIES = /^\/api\/public\/v1\/activities$/;
const ACTIVITY = /^\/api\/public\/v1\/activities\/\d+$/;
const AUTHENTICATION = /^\/api\/public\/v1\/authentication$/;

const newSessionId = () => `s-${randomUUID()}`;

describe('Redtail connector through our routes (e2e, fake Redtail)', () => {
  let fake: FakeRedtailServer;
  let t: TestApp;
  let token: string;
  let jane: FakeRedtailContact;
  let bob: FakeRedtailContact;
  let carl: FakeRedtailContact;

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });
  /** What the extension sends for a page without an apiKey field: the fields in additionalInfo, no apiKey. */
  const login = (username: string, password: string) =>
    t.http.post('/apiKeyLogin').send({ platform: 'redtail', additionalInfo: { username, password } });

  const callBody = (sessionId: string, contact: FakeRedtailContact, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Inbound',
      from: { phoneNumber: '+14155550100', name: `${contact.first_name} ${contact.last_name}` },
      to: { phoneNumber: '+16505550199', extensionNumber: '101' },
      startTime: '2026-06-24T15:00:00.000Z',
      duration: 90,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: String(contact.id),
    contactName: `${contact.first_name} ${contact.last_name}`,
    contactType: 'Contact',
    note: 'Wants to review the <IRA> rollover.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakeRedtailServer.start();
    t = await createTestApp({
      env: {
        REDTAIL_API_BASE_URL: fake.apiRoot,
        REDTAIL_API_KEY: fake.apiKey,
        CRM_HTTP_MAX_RETRIES: '2',
        CRM_HTTP_TIMEOUT_MS: '2000',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    fake.addUser({ id: 11, username: 'ava.advisor', password: 's3cret:with:colons', first_name: 'Ava', last_name: 'Advisor' });
    fake.addUser({ id: 12, username: 'pat.planner', password: 'pat-pass', first_name: 'Pat', last_name: 'Planner' });
    jane = fake.addContact({ first_name: 'Jane', last_name: 'Smith', phones: [{ number: '(415) 555-0100', phone_type: 1 }] });
    bob = fake.addContact({ first_name: 'Bob', last_name: 'Jones', phones: [{ number: '415.555.0100', country_code: 1, phone_type: 2 }] });
    carl = fake.addContact({ first_name: 'Carl', middle_name: 'C.', last_name: 'Client', job_title: 'Retiree', phones: [{ number: '4155550100', phone_type: 6 }] });
    fake.addContact({ first_name: 'Other', last_name: 'Number', phones: [{ number: '4155550101', phone_type: 1 }] });
    const response = await login('ava.advisor', 's3cret:with:colons').expect(200);
    token = response.body.jwtToken;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('exchanges user name, password and the deployment key for the user key, without an apiKey in the body', async () => {
      const response = await login('pat.planner', 'pat-pass').expect(200);
      expectResponseMatchesContract('post', '/apiKeyLogin', response);
      expect(response.body).toMatchObject({ name: 'Pat Planner', returnMessage: { messageType: 'success' } });
      const [authn, ...others] = fake.requests;
      expect(others).toHaveLength(0);
      expect(authn).toMatchObject({ method: 'GET', path: '/api/public/v1/authentication' });
      expect(authn.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.apiKey}:pat.planner:pat-pass`).toString('base64')}`);

      // Only the user key is kept, encrypted; the password is nowhere in the user's row.
      const stored = await t.get(UsersRepository).findById('redtail-42-12');
      const userKey = [...fake.userKeys].find(([, owner]) => owner === 12)![0];
      expect(stored?.platformAdditionalInfo).toEqual({ username: 'pat.planner', userId: 12, databaseId: 42 });
      expect(JSON.stringify(stored)).not.toContain('pat-pass');
      expect(stored?.credentials).not.toContain(userKey);
      expect(JSON.stringify(response.body)).not.toContain(userKey);

      // Later calls authenticate with the user key.
      const jwt = response.body.jwtToken as string;
      fake.reset();
      await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt)).expect(200);
      for (const request of fake.requests) {
        expect(request.headers.authorization).toBe(`Userkeyauth ${Buffer.from(`${fake.apiKey}:${userKey}`).toString('base64')}`);
      }
    });

    it('answers a refused password with Redtail reason, and missing fields with a 400 naming them', async () => {
      const refused = await login('ava.advisor', 'wrong').expect(400);
      expect(refused.body).toMatchObject({ successful: false, errorCode: 'CRM_LOGIN_REJECTED' });
      expect(refused.body.returnMessage.message).toMatch(/Invalid username or password/);
      const missing = await t.http.post('/apiKeyLogin').send({ platform: 'redtail', additionalInfo: { username: 'ava.advisor' } }).expect(400);
      expect(missing.body.fields).toEqual(['additionalInfo.password']);
      const none = await t.http.post('/apiKeyLogin').send({ platform: 'redtail' }).expect(400);
      expect(none.body.fields).toEqual(['additionalInfo.username', 'additionalInfo.password']);
      expect(fake.requestsTo('GET', AUTHENTICATION)).toHaveLength(1);
    });

    it('still asks for apiKey, naming it, on a connector whose sign-in page has one', async () => {
      const response = await t.http.post('/apiKeyLogin').send({ platform: 'local' }).expect(400);
      expect(response.body.fields).toEqual(['apiKey']);
    });

    it('lists Redtail in the manifest: user name and password page, HTML, a category field and setting', async () => {
      const response = await t.http.get('/crmManifest?platformName=redtail').expect(200);
      expectResponseMatchesContract('get', '/crmManifest', response);
      expect(manifestProblems(response.body, 'redtail')).toEqual([]);
      const redtail = response.body.platforms.redtail;
      expect(redtail).toMatchObject({
        auth: { type: 'apiKey', apiKey: { page: { content: [{ const: 'username' }, { const: 'password' }] } } },
        logFormat: 'text/html',
        page: {
          callLog: { additionalFields: [{ const: 'category', type: 'selection', contactDependent: true }] },
          messageLog: { additionalFields: [{ const: 'category', type: 'selection', contactDependent: true }] },
        },
        settings: [{ id: 'redtailOptions', items: [{ id: 'defaultCategory', type: 'inputField' }] }],
      });
      expect(redtail.auth.apiKey.page.content.map((field: { const: string }) => field.const)).not.toContain('apiKey');
      expect(JSON.stringify(redtail)).not.toContain(fake.apiKey);
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['dotted digits', '415.555.0100'],
    ])('finds contacts stored in different formats from %s, with the active categories', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      expectResponseMatchesContract('get', '/contact', response);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string }) => c.id).sort()).toEqual([jane.id, bob.id, carl.id].map(String).sort());
      expect(found.find((c: { id: string }) => c.id === String(carl.id))).toMatchObject({
        name: 'Carl C. Client',
        type: 'Contact',
        title: 'Retiree',
        additionalInfo: {
          category: [
            { const: '1', title: 'Client Service' },
            { const: '2', title: 'Prospecting' },
            { const: '4', title: 'Compliance' },
          ],
        },
      });
      const [search] = fake.requestsTo('GET', /search_basic$/);
      expect(search.query).toEqual({ phone_number: '4155550100' });
    });

    it('creates an individual with the number as national digits and country code', async () => {
      const created = await t.http.post('/contact').set(auth()).send({ phoneNumber: '+14155550177', newContactName: 'Nina Van New' }).expect(200);
      expectResponseMatchesContract('post', '/contact', created);
      expect(created.body.contact).toMatchObject({ name: 'Nina Van New', type: 'Contact' });
      const [post] = fake.requestsTo('POST', /\/contacts$/);
      expect(post.body).toEqual({
        type: 'Crm::Contact::Individual',
        first_name: 'Nina Van',
        last_name: 'New',
        phones: [{ phone_type: 6, number: '4155550177', country_code: 1, is_primary: true }],
      });
      const found = await t.http.get('/contact?phoneNumber=%2B14155550177').set(auth()).expect(200);
      expect(found.body.contact[0]).toMatchObject({ id: created.body.contact.id });
    });
  });

  describe('call logging', () => {
    it('creates a completed activity in the chosen category, refuses a duplicate, looks it up, and updates it', async () => {
      const sessionId = newSessionId();
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, jane, { additionalSubmission: { category: '4' } }))
        .expect(200);
      expectResponseMatchesContract('post', '/callLog', created);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
      const [post, ...more] = fake.requestsTo('POST', ACTIVITIES);
      expect(more).toHaveLength(0);
      expect(post.body).toMatchObject({
        activity_code_id: 3,
        category_id: 4,
        repeats: 'never',
        linked_contacts: [{ contact_id: jane.id }],
        start_date: '2026-06-24T15:00:00.000Z',
        end_date: '2026-06-24T15:01:30.000Z',
      });
      const activity = fake.activities.get(Number(created.body.logId))!;
      expect(activity.completed).toBe(true);
      expect(activity.subject).toMatch(/Jane Smith/);
      expect(activity.description).toContain('Wants to review the &lt;IRA&gt; rollover.');
      expect(activity.description).toMatch(/<!-- rc-app-connect-key:[^>]+ -->$/);

      const duplicate = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(duplicate.body.successful).toBe(false);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expectResponseMatchesContract('get', '/callLog', lookup);
      expect(lookup.body.logs[0]).toMatchObject({ matched: true, logId: created.body.logId });
      expect(lookup.body.logs[0].logData).toMatchObject({ subject: activity.subject, contactName: 'Jane Smith' });
      expect(lookup.body.logs[0].logData.fullBody).toContain('rollover');
      expect(lookup.body.logs[0].logData.fullBody).not.toContain('rc-app-connect-key');

      fake.reset();
      await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Rollover forms sent.', additionalSubmission: { category: '1' } })
        .expect(200);
      const [put, ...others] = fake.requestsTo('PUT', ACTIVITY);
      expect(others).toHaveLength(0);
      expect(put.body).toMatchObject({ category_id: 1, subject: activity.subject });
      expect(activity.description).toContain('Rollover forms sent.');
      expect(activity.category_id).toBe(1);
    });

    it("uses the user's default category setting when the form names none; no category when neither does", async () => {
      const plain = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob)).expect(200);
      expect(fake.activities.get(Number(plain.body.logId))!.category_id).toBeNull();
      await t.http.post('/user/settings').set(auth()).send({ userSettings: { defaultCategory: { value: '2' } } }).expect(200);
      try {
        const withDefault = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob)).expect(200);
        expect(fake.activities.get(Number(withDefault.body.logId))!.category_id).toBe(2);
        const chosen = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob, { additionalSubmission: { category: '4' } })).expect(200);
        expect(fake.activities.get(Number(chosen.body.logId))!.category_id).toBe(4);
      } finally {
        await t.http.post('/user/settings').set(auth()).send({ settingKeysToRemove: ['defaultCategory'] }).expect(200);
      }
    });

    it('passes Redtail refusal of a category on to the user, and logs nothing', async () => {
      const before = fake.activities.size;
      const refused = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), carl, { additionalSubmission: { category: '3' } })).expect(200);
      expect(refused.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringContaining('category 3 does not exist') } });
      expect(fake.activities.size).toBe(before);
    });

    it('waits out a 429 with Retry-After, then logs the call once', async () => {
      fake.failNext({ status: 429, method: 'POST', path: ACTIVITIES, headers: { 'retry-after': '1' }, body: { message: 'Rate limit exceeded' } });
      const before = fake.activities.size;
      const startedAt = Date.now();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), carl)).expect(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      expect(response.body).toMatchObject({ successful: true, logId: expect.any(String) });
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(2);
      expect(fake.activities.size).toBe(before + 1);
    });

    it('reconciles a create whose answer was lost: one activity, found by its key, completed by the worker', async () => {
      const sessionId = newSessionId();
      fake.slowNext({ ms: 2600, method: 'POST', path: ACTIVITIES });
      const before = fake.activities.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, carl)).expect(200);
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
      expect(fake.activities.size).toBe(before + 1);
      const made = [...fake.activities.values()].at(-1)!;
      expect(made.completed).toBe(false);

      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
      expect(fake.requestsTo('GET', new RegExp(`/contacts/${carl.id}/activities$`)).length).toBeGreaterThanOrEqual(1);
      expect(fake.activities.size).toBe(before + 1);
      expect(made.completed).toBe(true);
      const seen = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth()).expect(200);
      expect(seen.body.logs[0]).toMatchObject({ matched: true, logId: String(made.id) });
    });
    it('keeps a call whose activity was made but not completed for the worker, which completes it instead of posting again', async () => {
      fake.failNext({ status: 422, method: 'PUT', path: ACTIVITY, body: { errors: ['Activity is locked'] } });
      const before = fake.activities.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), jane)).expect(200);
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning', message: expect.stringContaining('Activity is locked') } });
      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.activities.size).toBe(before + 1);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
      expect([...fake.activities.values()].at(-1)!.completed).toBe(true);
    });
  });

  describe('message logging', () => {
    const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
    const ME = { phoneNumber: '+16505550199', name: 'Ava Advisor' };
    let conversation = 990000;
    const message = (id: number, at: string) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? JANE : ME,
      to: [id % 2 ? ME : JANE],
      subject: `text <number> ${id}`,
      creationTime: at,
      conversationId: conversation,
    });
    const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
      contactId: String(jane.id),
      contactName: 'Jane Smith',
      contactType: 'Contact',
      logInfo: { conversationId: conversation, correspondents: [JANE], messages },
      ...extra,
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 5, day, 15, minute)).toISOString();

    beforeEach(() => {
      conversation++;
    });

    it('creates a digest activity, updates it the same day, starts another the next day, and skips a re-send', async () => {
      const first = await post(messageLog([message(1, at(24, 1))], { additionalSubmission: { category: '1' } })).expect(200);
      expectResponseMatchesContract('post', '/messageLog', first);
      const digest = [...fake.activities.values()].at(-1)!;
      expect(digest).toMatchObject({ category_id: 1, completed: true, linked_contacts: [{ contact_id: jane.id }] });
      expect(digest.description).toContain('text &lt;number&gt; 1');

      fake.reset();
      await post(messageLog([message(2, at(24, 2)), message(3, at(24, 3))])).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/public/v1/activities/${digest.id}`]);
      for (const id of [1, 2, 3]) expect(digest.description).toContain(`text &lt;number&gt; ${id}`);
      expect(digest.end_date).toBe(at(24, 3));

      fake.reset();
      await post(messageLog([message(5, at(25, 1))])).expect(200);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
      const nextDay = [...fake.activities.values()].at(-1)!;
      expect(nextDay.id).not.toBe(digest.id);
      expect(nextDay.description).not.toContain('number&gt; 1');

      fake.reset();
      const resend = await post(messageLog([message(5, at(25, 1)), message(3, at(24, 3))])).expect(200);
      expect(resend.body).toMatchObject({ successful: true, logIds: [] });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('revoked user key', () => {
    it('answers 401 CRM_SESSION_REVOKED once Redtail refuses the stored user key', async () => {
      const jwt = (await login('pat.planner', 'pat-pass').expect(200)).body.jwtToken as string;
      fake.revokeKeysOf(12);
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ errorCode: 'CRM_SESSION_REVOKED' });
      expect(response.body.returnMessage.message).toMatch(/Invalid user key/);
    });
  });
});

describe('Redtail without a deployment API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REDTAIL_API_BASE_URL: 'http://127.0.0.1:9/api/public/v1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves Redtail out of the manifest, and names REDTAIL_API_KEY when it is asked for', async () => {
    const all = await t.http.get('/crmManifest').expect(200);
    expect(Object.keys(all.body.platforms)).not.toContain('redtail');
    const named = await t.http.get('/crmManifest?platformName=redtail').expect(400);
    expect(named.body).toMatchObject({ fields: ['platformName'], message: expect.stringContaining('REDTAIL_API_KEY') });
  });

  it('says REDTAIL_API_KEY is missing instead of calling Redtail', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'redtail', additionalInfo: { username: 'a', password: 'b' } });
    expect(response.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringContaining('REDTAIL_API_KEY') } });
  });
});
