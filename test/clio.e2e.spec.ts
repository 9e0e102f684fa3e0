import 'reflect-metadata';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { randomUUID } from 'node:crypto';
import { FakeClioServer, type FakeClioContact, type FakeClioMatter } from './fakes/fake-clio.server.js';
import { ClioConnector } from '../src/connectors/clio/clio.connector.js';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const REDIRECT_URI = 'https://app.example.com/clio/oauth';
const COMMUNICATIONS = /^\/api\/v4\/communications\.json$/;
const COMMUNICATION = /^\/api\/v4\/communications\/\d+\.json$/;
const TOKEN = /^\/oauth\/token$/;
const ACTIVITIES = /^\/api\/v4\/activities\.json$/;
const ACTIVITY = /^\/api\/v4\/activities\/\d+\.json$/;

const newSessionId = () => `s-${randomUUID()}`;

describe('Clio connector through our routes (e2e, fake Clio)', () => {
  let fake: FakeClioServer;
  let t: TestApp;
  let token: string;
  let jane: FakeClioContact;
  let bob: FakeClioContact;
  let divorce: FakeClioMatter;
  let estate: FakeClioMatter;

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });

  /** Signs a Clio user in through /oauth-callback, as the extension does after the redirect. */
  const oauthLogin = async (userId: number, hostname = 'eu.app.clio.com') => {
    const code = fake.issueAuthorizationCode(userId);
    const callbackUri = `${REDIRECT_URI}?code=${code}&state=${encodeURIComponent('platform=clio')}`;
    const response = await t.http.get('/oauth-callback').query({ callbackUri, hostname }).expect(200);
    return response.body.jwtToken as string;
  };

  const callBody = (sessionId: string, contact: FakeClioContact, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: contact.name },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: String(contact.id),
    contactName: contact.name,
    contactType: contact.type,
    note: 'Discussed the <settlement> offer.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakeClioServer.start();
    t = await createTestApp({
      env: {
        CLIO_API_BASE_URL: fake.url,
        CLIO_OAUTH_BASE_URL: fake.url,
        CLIO_CLIENT_ID: fake.clientId,
        CLIO_CLIENT_SECRET: fake.clientSecret,
        CLIO_REDIRECT_URI: REDIRECT_URI,
        CRM_HTTP_MAX_RETRIES: '2',
        CRM_HTTP_TIMEOUT_MS: '2000',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    fake.addUser({ id: 345, name: 'Lena Lawyer', time_zone: 'Europe/Berlin' });
    fake.addUser({ id: 346, name: 'Paul Partner' });
    jane = fake.addContact({ name: 'Jane Smith', phones: ['(415) 555-0100'], email: 'jane@example.com' });
    bob = fake.addContact({ name: 'Bob Jones', phones: ['+14155550100', '+14155550111'] });
    // Clio's query also matches names and partial numbers: neither may come back as a match.
    fake.addContact({ name: 'Ann 4155550100-fan', phones: ['+442079460000'] });
    fake.addContact({ name: 'Near Miss', phones: ['+14155550109'] });
    divorce = fake.addMatter(jane.id, '00012-Smith');
    fake.addMatter(jane.id, '00009-Smith', 'Closed');
    estate = fake.addMatter(bob.id, '00020-Jones');
    fake.relate(jane.id, estate.id);
    token = await oauthLogin(345);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('exchanges the code with the client credentials in the form, then asks who_am_i with the Bearer token', async () => {
      const code = fake.issueAuthorizationCode(346);
      const response = await t.http
        .get('/oauth-callback')
        .query({ state: 'platform=clio', code, hostname: 'app.clio.com' })
        .expect(200);
      expect(response.body).toMatchObject({ jwtToken: expect.any(String), name: 'Paul Partner', returnMessage: { messageType: 'success' } });
      const [exchange, me, ...others] = fake.requests;
      expect(others).toHaveLength(0);
      expect(exchange).toMatchObject({
        method: 'POST',
        path: '/oauth/token',
        body: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: fake.clientId,
          client_secret: fake.clientSecret,
        },
      });
      expect(me).toMatchObject({ method: 'GET', path: '/api/v4/users/who_am_i.json' });
      expect(me.query.fields).toContain('time_zone');
      expect(me.headers.authorization).toMatch(/^Bearer clio-at-/);
      expect(JSON.stringify(response.body)).not.toContain('clio-at-');
    });

    it('refuses a hostname that is not one of Clio regional hosts, naming the field', async () => {
      const code = fake.issueAuthorizationCode(346);
      const response = await t.http
        .get('/oauth-callback')
        .query({ state: 'platform=clio', code, hostname: 'evil.example.com' })
        .expect(400);
      expect(response.body.fields).toEqual(['hostname']);
      expect(fake.requests).toHaveLength(0);
    });

    it('answers 400 with Clio reason when the code is refused', async () => {
      const response = await t.http.get('/oauth-callback').query({ state: 'platform=clio', code: 'stale-code' }).expect(400);
      expect(response.body).toMatchObject({ successful: false, errorCode: 'CRM_LOGIN_REJECTED' });
      expect(response.body.returnMessage.message).toMatch(/Clio refused the sign-in: .*authorization grant is invalid/);
    });

    it('refuses /apiKeyLogin: Clio signs in with OAuth', async () => {
      const response = await t.http.post('/apiKeyLogin').send({ platform: 'clio', apiKey: 'x' }).expect(400);
      expect(response.body.fields).toEqual(['platform']);
    });

    it('lists Clio in the manifest: OAuth, plain text, Person and Company, a contact-dependent matter field', async () => {
      const response = await t.http.get('/crmManifest?platformName=clio').expect(200);
      expect(response.body.platforms.clio).toMatchObject({
        name: 'clio',
        displayName: 'Clio',
        auth: { type: 'oauth' },
        logFormat: 'text/plain',
        contactTypes: [{ display: 'Person', value: 'Person' }, { display: 'Company', value: 'Company' }],
        page: {
          callLog: {
            additionalFields: [
              { const: 'matters', type: 'selection', contactDependent: true },
              { const: 'logTimeEntry', type: 'checkbox', defaultValue: true },
              { const: 'nonBillable', type: 'checkbox', defaultValue: false },
            ],
          },
          messageLog: { additionalFields: [{ const: 'matters', type: 'selection', contactDependent: true }] },
        },
      });
    });

    it('refreshes the user information from who_am_i', async () => {
      fake.users.get(345)!.name = 'Lena Lawyer-Renamed';
      try {
        const response = await t.http.post('/user/refreshInfo').set(auth()).expect(200);
        expect(response.body.successful).toBe(true);
        expect(fake.requestsTo('GET', /who_am_i/)).toHaveLength(1);
        const stored = await t.get(UsersRepository).findById('clio-345');
        expect(stored).toMatchObject({ name: 'Lena Lawyer-Renamed', timezone: 'Europe/Berlin', hostname: 'eu.app.clio.com' });
      } finally {
        fake.users.get(345)!.name = 'Lena Lawyer';
      }
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['dotted digits', '415.555.0100'],
    ])('finds contacts stored in different formats from %s, once each, with their open matters', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      expect(response.body.successful).toBe(true);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string }) => c.id).sort()).toEqual([String(jane.id), String(bob.id)].sort());
      const janeInfo = found.find((c: { id: string }) => c.id === String(jane.id));
      expect(janeInfo).toMatchObject({ name: 'Jane Smith', type: 'Person', phone: '(415) 555-0100', email: 'jane@example.com' });
      // Her own open matter and the one she is related to; the closed one is left out.
      expect(janeInfo.additionalInfo.matters).toEqual([
        { const: String(divorce.id), title: '00012-Smith', description: 'Matter 00012-Smith' },
        { const: String(estate.id), title: '00020-Jones', description: 'Matter 00020-Jones' },
      ]);

      const searches = fake.requestsTo('GET', /^\/api\/v4\/contacts\.json$/);
      const terms = searches.map((s) => s.query.query);
      expect(new Set(terms).size).toBe(terms.length);
      expect(terms).toEqual(expect.arrayContaining(['+14155550100', '(415) 555-0100', '4155550100']));
      for (const search of searches) {
        expect(search.query.fields).toContain('phone_numbers{');
        expect(search.headers.authorization).toMatch(/^Bearer /);
      }
    });

    it('follows meta.paging.next for a contact with many related matters', async () => {
      const carol = fake.addContact({ name: 'Carol Many', phones: ['+14155550133'] });
      for (let i = 0; i < 5; i++) fake.relate(carol.id, fake.addMatter(bob.id, `0100${i}-Many`).id);
      fake.pageSize = 2;
      try {
        const response = await t.http.get('/contact?phoneNumber=%2B14155550133').set(auth()).expect(200);
        const info = response.body.contact.find((c: { id: string }) => c.id === String(carol.id));
        expect(info.additionalInfo.matters.map((m: { title: string }) => m.title)).toEqual([
          '01000-Many',
          '01001-Many',
          '01002-Many',
          '01003-Many',
          '01004-Many',
        ]);
        expect(fake.requestsTo('GET', /^\/api\/v4\/relationships\.json$/)).toHaveLength(3);
      } finally {
        fake.pageSize = 200;
      }
    });

    it('creates a Person with first and last name and the number; a Company by name', async () => {
      const response = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550177', newContactName: 'Mary Ann Client', newContactType: 'Person' })
        .expect(200);
      expect(response.body).toMatchObject({ successful: true, contact: { name: 'Mary Ann Client', type: 'Person' } });
      const [create] = fake.requestsTo('POST', /^\/api\/v4\/contacts\.json$/);
      expect(create.body).toEqual({
        data: {
          type: 'Person',
          first_name: 'Mary Ann',
          last_name: 'Client',
          phone_numbers: [{ name: 'Work', number: '+14155550177', default_number: true }],
        },
      });
      expect(fake.contacts.get(Number(response.body.contact.id))?.phone_numbers.map((p) => p.number)).toEqual(['+14155550177']);

      const company = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550178', newContactName: 'Acme Holdings', newContactType: 'Company' })
        .expect(200);
      expect(company.body.contact).toMatchObject({ name: 'Acme Holdings', type: 'Company' });

      const found = await t.http.get('/contact?phoneNumber=%2B14155550177').set(auth()).expect(200);
      expect(found.body.contact.map((c: { id: string }) => c.id)).toContain(response.body.contact.id);
    });

    it('refuses an unknown contact type, naming the field, before calling Clio', async () => {
      const response = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550179', newContactName: 'X', newContactType: 'Lead' })
        .expect(400);
      expect(response.body.fields).toEqual(['newContactType']);
      expect(fake.requestsTo('POST', /contacts/)).toHaveLength(0);
    });
  });

  describe('call logging', () => {
    it('creates a phone communication on the chosen matter, looks it up, and updates it with one PATCH', async () => {
      const sessionId = newSessionId();
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, jane, { additionalSubmission: { matters: String(divorce.id) } }))
        .expect(200);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });

      const [post, ...morePosts] = fake.requestsTo('POST', COMMUNICATIONS);
      expect(morePosts).toHaveLength(0);
      expect(post.body).toMatchObject({
        data: {
          type: 'PhoneCommunication',
          received_at: '2026-06-24T02:30:00.000Z',
          senders: [{ id: 345, type: 'User' }],
          receivers: [{ id: jane.id, type: 'Contact' }],
          matter: { id: divorce.id },
        },
      });
      const communication = fake.communications.get(Number(created.body.logId))!;
      expect(communication.matter).toMatchObject({ id: divorce.id });
      // Plain text: the note as typed, no markup.
      expect(communication.body).toContain('Discussed the <settlement> offer.');
      expect(communication.body).not.toMatch(/<(br|p|b|ul|li)\b/);

      const duplicate = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, jane))
        .expect(200);
      expect(duplicate.body).toMatchObject({ successful: false, returnMessage: { message: `Existing log for session ${sessionId}` } });
      expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(1);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expect(lookup.body.logs[0]).toMatchObject({ sessionId, matched: true, logId: created.body.logId });
      expect(lookup.body.logs[0].logData).toMatchObject({ subject: communication.subject, fullBody: communication.body });

      fake.reset();
      await t.http
        .patch('/callLog')
        .set(auth())
        .send({
          sessionId,
          hashedExtensionId: 'hashed-ext-101',
          note: 'Client accepts; draft the agreement.',
          duration: 300,
          additionalSubmission: { matters: String(estate.id) },
        })
        .expect(200);
      const patches = fake.requestsTo('PATCH', COMMUNICATION);
      expect(patches).toHaveLength(1);
      expect(patches[0].path).toBe(`/api/v4/communications/${created.body.logId}.json`);
      expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(0);
      expect(communication.body).toContain('Client accepts; draft the agreement.');
      expect(communication.matter).toMatchObject({ id: estate.id });
    });

    it('adds a time entry for the call, dated on the user day, and keeps it in step with updates', async () => {
      const sessionId = newSessionId();
      // 23:30 UTC is 01:30 the next day in Berlin, the user's zone.
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(
          callBody(sessionId, jane, {
            logInfo: { ...callBody(sessionId, jane).logInfo, startTime: '2026-06-24T23:30:00.000Z' },
            additionalSubmission: { matters: String(divorce.id), nonBillable: true },
          }),
        )
        .expect(200);
      expect(created.body).toMatchObject({ successful: true, returnMessage: { messageType: 'success' } });
      const [post, ...more] = fake.requestsTo('POST', ACTIVITIES);
      expect(more).toHaveLength(0);
      expect(post.body).toMatchObject({
        data: {
          type: 'TimeEntry',
          quantity: 125,
          date: '2026-06-25',
          non_billable: true,
          communication: { id: Number(created.body.logId) },
          matter: { id: divorce.id },
        },
      });
      const entry = [...fake.timeEntries.values()].find((e) => e.communication?.id === Number(created.body.logId))!;
      expect(entry.note).toBe(fake.communications.get(Number(created.body.logId))!.body);

      fake.reset();
      await t.http.patch('/callLog').set(auth()).send({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 610 }).expect(200);
      expect(fake.requestsTo('GET', ACTIVITIES)[0].query).toMatchObject({ communication_id: created.body.logId, type: 'TimeEntry' });
      expect(fake.requestsTo('PATCH', ACTIVITY)).toHaveLength(1);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(0);
      expect(entry.quantity).toBe(610);
    });

    it('makes no time entry when unticked, and none for a call still in progress until it has a duration', async () => {
      const unticked = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), jane, { additionalSubmission: { logTimeEntry: false } }))
        .expect(200);
      expect(unticked.body.successful).toBe(true);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(0);

      const sessionId = newSessionId();
      const pending = callBody(sessionId, jane);
      (pending.logInfo as Record<string, unknown>).duration = 'pending';
      await t.http.post('/callLog').set(auth()).send(pending).expect(200);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(0);
      await t.http.patch('/callLog').set(auth()).send({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 42 }).expect(200);
      const [late] = fake.requestsTo('POST', ACTIVITIES);
      expect(late.body).toMatchObject({ data: { type: 'TimeEntry', quantity: 42, non_billable: false } });
    });

    it('keeps the logged call when Clio refuses its time entry, and says so', async () => {
      fake.failNext({
        status: 422,
        method: 'POST',
        path: ACTIVITIES,
        body: { error: { type: 'UnprocessableEntityError', message: 'Activity description is locked for this matter' } },
      });
      const sessionId = newSessionId();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(response.body).toMatchObject({
        successful: true,
        logId: expect.any(String),
        returnMessage: { messageType: 'warning', message: expect.stringContaining('Activity description is locked') },
      });
      expect(fake.communications.has(Number(response.body.logId))).toBe(true);
      const lookup = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth()).expect(200);
      expect(lookup.body.logs[0]).toMatchObject({ matched: true, logId: response.body.logId });
    });

    it('files an inbound call as the contact calling the user, without a matter when none is chosen', async () => {
      const body = callBody(newSessionId(), bob);
      body.logInfo.direction = 'Inbound';
      const created = await t.http.post('/callLog').set(auth()).send(body).expect(200);
      const [post] = fake.requestsTo('POST', COMMUNICATIONS);
      expect(post.body).toMatchObject({ data: { senders: [{ id: bob.id, type: 'Contact' }], receivers: [{ id: 345, type: 'User' }] } });
      expect((post.body as { data: object }).data).not.toHaveProperty('matter');
      expect(fake.communications.get(Number(created.body.logId))!.matter).toBeNull();
    });

    it('waits out a 429 for the Retry-After Clio sends, then logs the call once', async () => {
      fake.failNext({
        status: 429,
        method: 'POST',
        path: COMMUNICATIONS,
        headers: {
          'retry-after': '1',
          'x-ratelimit-limit': '50',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60),
        },
        body: { message: 'Too Many Requests' },
      });
      const before = fake.communications.size;
      const startedAt = Date.now();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob)).expect(200);
      // Retry-After (1 s) wins over the window's reset a minute away.
      const waited = Date.now() - startedAt;
      expect(waited).toBeGreaterThanOrEqual(1000);
      expect(waited).toBeLessThan(10_000);
      expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(2);
      expect(fake.communications.size).toBe(before + 1);
    });

    it('stays within a spent rate window: lookups answered 429 by the fake limiter still complete', async () => {
      fake.rateLimit = { limit: 3, windowMs: 1000 };
      try {
        const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth()).expect(200);
        expect(response.body.successful).toBe(true);
        expect(response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact)).toHaveLength(2);
        expect(fake.rateLimitedAnswers).toBeGreaterThan(0);
      } finally {
        fake.rateLimit = { limit: 1000, windowMs: 60_000 };
      }
    });

    it('answers a 500 on create with Clio reason, does not repeat the POST, and lets a retry log the call', async () => {
      const sessionId = newSessionId();
      fake.failNext({
        status: 500,
        method: 'POST',
        path: COMMUNICATIONS,
        body: { error: { type: 'InternalServerError', message: 'Communications are temporarily unavailable' } },
      });
      const before = fake.communications.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      // Kept in the outbox with Clio's reason, and delivered by the worker later: never POSTed twice blindly.
      expect(response.body.returnMessage).toMatchObject({
        messageType: 'warning',
        message: expect.stringMatching(/Communications are temporarily unavailable.*queued and will be written to Clio automatically/),
      });
      expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(1);
      expect(fake.communications.size).toBe(before);

      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.communications.size).toBe(before + 1);
      const seen = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth()).expect(200);
      expect(seen.body.logs[0]).toMatchObject({ matched: true });
    });

    it('passes Clio validation reason through for a matter that does not exist', async () => {
      const response = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), jane, { additionalSubmission: { matters: '999999' } }))
        .expect(200);
      expect(response.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringContaining('Matter does not exist') } });
    });
  });

  describe('message logging', () => {
    const JANE_NUMBER = { phoneNumber: '+14155550100', name: 'Jane Smith' };
    const ME = { phoneNumber: '+16505550199', name: 'Lena Lawyer' };
    let conversation = 990000;

    const message = (id: number, at: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? JANE_NUMBER : ME,
      to: [id % 2 ? ME : JANE_NUMBER],
      subject: `text number ${id}`,
      creationTime: at,
      conversationId: conversation,
      ...extra,
    });
    const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}, logInfo: Record<string, unknown> = {}) => ({
      contactId: String(jane.id),
      contactName: 'Jane Smith',
      contactType: 'Person',
      logInfo: { conversationId: conversation, correspondents: [JANE_NUMBER], messages, ...logInfo },
      additionalSubmission: { matters: String(divorce.id) },
      ...extra,
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 5, day, 9, minute)).toISOString();

    beforeEach(() => {
      conversation++;
    });

    it('creates a digest, updates it the same day with one PATCH, starts a new one the next day, and skips a re-send', async () => {
      const first = await post(messageLog([1, 3].map((id) => message(id, at(24, id))))).expect(200);
      expect(first.body.successful).toBe(true);
      const [create, ...moreCreates] = fake.requestsTo('POST', COMMUNICATIONS);
      expect(moreCreates).toHaveLength(0);
      expect(create.body).toMatchObject({
        data: {
          type: 'PhoneCommunication',
          received_at: at(24, 1),
          senders: [{ id: jane.id, type: 'Contact' }],
          receivers: [{ id: 345, type: 'User' }],
          matter: { id: divorce.id },
        },
      });
      const digestId = [...fake.communications.values()].at(-1)!.id;

      fake.reset();
      const sameDay = await post(messageLog([message(4, at(24, 4)), message(5, at(24, 5))])).expect(200);
      expect(sameDay.body.successful).toBe(true);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/v4/communications/${digestId}.json`]);
      const body = String(fake.communications.get(digestId)!.body);
      for (const id of [1, 3, 4, 5]) expect(body).toContain(`text number ${id}`);

      fake.reset();
      const nextDay = await post(messageLog([message(7, at(25, 1))])).expect(200);
      expect(nextDay.body.successful).toBe(true);
      expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(1);
      const nextDigest = [...fake.communications.values()].at(-1)!;
      expect(nextDigest.id).not.toBe(digestId);
      expect(nextDigest.body).toContain('text number 7');
      expect(nextDigest.body).not.toContain('text number 1');

      fake.reset();
      const resend = await post(messageLog([message(7, at(25, 1)), message(5, at(24, 5))])).expect(200);
      expect(resend.body).toMatchObject({ successful: true, logIds: [] });
      expect(fake.requests).toHaveLength(0);
    });

    it('logs a shared SMS thread as one communication, updated with the thread body', async () => {
      const shared = (messages: unknown[], logInfo: Record<string, unknown> = {}) =>
        messageLog(messages, {}, { conversationLogId: `thread-${conversation}`, owner: { name: 'Intake Queue', extensionType: 'Department' }, ...logInfo });
      const created = await post(shared([message(21, at(26, 1))])).expect(200);
      expect(created.body.successful).toBe(true);
      const thread = [...fake.communications.values()].at(-1)!;
      expect(thread.body).toContain('Intake Queue');

      fake.reset();
      await post(shared([message(22, at(27, 2), { author: { name: 'Agent Amy' } })], { assignee: { name: 'Agent Amy' } })).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/v4/communications/${thread.id}.json`]);
      expect(thread.body).toContain('text number 21');
      expect(thread.body).toContain('text number 22');
      expect(thread.body).toContain('Assigned to: Agent Amy');
    });

    it('puts voicemail, fax and MMS links into the body, without the RingCentral token', async () => {
      const rcAccessToken = 'rc-secret-access-token';
      const messages = [
        message(31, at(28, 1), {
          type: 'VoiceMail',
          subject: undefined,
          attachments: [{ id: 1, type: 'AudioRecording', uri: 'https://media.example.com/voicemail/31', contentType: 'audio/mpeg' }],
        }),
        message(33, at(28, 2), {
          type: 'Fax',
          subject: undefined,
          attachments: [{ id: 2, type: 'RenderedDocument', uri: 'https://media.example.com/fax/33', contentType: 'application/pdf' }],
        }),
        message(35, at(28, 3), {
          type: 'MMS',
          attachments: [{ id: 3, type: 'MmsAttachment', uri: 'https://media.example.com/mms/35.png', contentType: 'image/png' }],
        }),
      ];
      const response = await post(messageLog(messages, { rcAccessToken })).expect(200);
      expect(response.body.successful).toBe(true);
      const writes = [...fake.requestsTo('POST', COMMUNICATIONS), ...fake.requestsTo('PATCH', COMMUNICATION)];
      const bodies = writes.map((w) => String((w.body as { data: { body?: string } }).data.body ?? '')).join('\n');
      expect(bodies).toContain('https://media.example.com/voicemail/31');
      expect(bodies).toContain('https://media.example.com/fax/33');
      expect(bodies).toContain('https://media.example.com/mms/35.png');
      expect(JSON.stringify(fake.requests.map((r) => r.body))).not.toContain(rcAccessToken);
    });
  });

  describe('OAuth session renewal', () => {
    let oauthToken: string;

    beforeAll(async () => {
      oauthToken = await oauthLogin(346);
    });

    it('refreshes once after a 401, keeps the refresh token Clio did not rotate, and repeats the request', async () => {
      fake.expireAccessTokens();
      const response = await t.http.post('/callLog').set(auth(oauthToken)).send(callBody(newSessionId(), bob)).expect(200);
      expect(response.body.successful).toBe(true);
      const refreshes = fake.requestsTo('POST', TOKEN);
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0].body).toMatchObject({
        grant_type: 'refresh_token',
        refresh_token: expect.stringMatching(/^clio-rt-/),
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
      });
      const communication = fake.communications.get(Number(response.body.logId))!;
      expect(communication.senders).toEqual([{ id: 346, type: 'User', name: 'Paul Partner' }]);

      // The answer to the refresh had no refresh token: the stored one must still work.
      fake.reset();
      fake.expireAccessTokens();
      const again = await t.http.get('/contact?phoneNumber=%2B14155550111').set(auth(oauthToken)).expect(200);
      expect(again.body.successful).toBe(true);
      expect(fake.requestsTo('POST', TOKEN)).toHaveLength(1);
      expect(fake.requestsTo('POST', TOKEN)[0].body).toMatchObject({ refresh_token: refreshes[0].body && (refreshes[0].body as { refresh_token: string }).refresh_token });
    });

    it('renews an expiring session before calling Clio, without a 401', async () => {
      fake.tokenLifetimeSeconds = 30;
      const shortLived = await oauthLogin(346);
      fake.tokenLifetimeSeconds = 30 * 24 * 3600;
      fake.reset();
      const response = await t.http.get('/contact?phoneNumber=%2B14155550111').set(auth(shortLived)).expect(200);
      expect(response.body.successful).toBe(true);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)[0]).toBe('POST /oauth/token');
      expect(fake.requests.filter((r) => r.path !== '/oauth/token').every((r) => fake.accessTokens.has(r.headers.authorization!.slice(7)))).toBe(true);
    });

    it('answers 401 CRM_SESSION_REVOKED when Clio refuses the refresh token', async () => {
      const doomed = await oauthLogin(346);
      fake.refreshTokens.clear();
      fake.expireAccessTokens();
      const response = await t.http.get('/contact?phoneNumber=%2B14155550111').set(auth(doomed));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ successful: false, errorCode: 'CRM_SESSION_REVOKED' });
      expect(response.body.returnMessage.message).toMatch(/Clio refused to renew the session/);
    });

    it('revokes the token at Clio on logout', async () => {
      const leaving = await oauthLogin(346);
      fake.reset();
      await t.http.post('/unAuthorize').set(auth(leaving)).expect(200);
      const [revoke] = fake.requestsTo('POST', /^\/oauth\/deauthorize$/);
      expect(revoke.body).toMatchObject({ token: expect.stringMatching(/^clio-at-/) });
      expect(fake.accessTokens.has((revoke.body as { token: string }).token)).toBe(false);
      const after = await t.http.get('/contact?phoneNumber=%2B14155550111').set(auth(leaving));
      expect(after.status).toBe(401);
    });
  });
});

describe('Clio connector: idempotency key on communications (fake Clio)', () => {
  let fake: FakeClioServer;
  let t: TestApp;
  let clio: ClioConnector;
  let contact: FakeClioContact;

  const context = () => ({
    user: {
      id: 'clio-345',
      platform: 'clio',
      crmUserId: '345',
      name: 'Lena Lawyer',
      hostname: 'app.clio.com',
      timezone: 'UTC',
      platformAdditionalInfo: null,
    },
    authHeader: 'Bearer clio-at-direct',
  });
  const callLog = (key: string) => ({
    ...context(),
    contactInfo: { id: String(contact.id), name: contact.name },
    callLog: { sessionId: 's-1', direction: 'Outbound' as const, startTime: '2026-06-24T02:30:00.000Z' },
    composedLogDetails: 'Call body',
    subject: 'Call to Jane',
    idempotencyKey: key,
  });
  const lookup = (key: string, since = new Date().toISOString()) => ({
    ...context(),
    kind: 'call' as const,
    idempotencyKey: key,
    contactInfo: { id: String(contact.id), name: contact.name },
    since,
  });

  beforeAll(async () => {
    fake = await FakeClioServer.start();
    t = await createTestApp({
      env: { CLIO_API_BASE_URL: fake.url, CLIO_OAUTH_BASE_URL: fake.url, CRM_HTTP_TIMEOUT_MS: '500', CRM_HTTP_MAX_RETRIES: '2' },
    });
    clio = t.get(ClioConnector);
    fake.addUser({ id: 345, name: 'Lena Lawyer' });
    fake.accessTokens.set('clio-at-direct', 345);
    contact = fake.addContact({ name: 'Jane Smith', phones: ['+14155550100'] });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('stores the key as an external property and finds the communication by it', async () => {
    const startedAt = new Date().toISOString();
    const created = await clio.createCallLog(callLog('key-one'));
    const communication = fake.communications.get(Number(created.logId))!;
    expect(communication.external_properties).toEqual([{ id: expect.any(Number), name: 'rc_app_connect_key', value: 'key-one' }]);

    await expect(clio.findLogByIdempotencyKey(lookup('key-one', startedAt))).resolves.toEqual({ logId: created.logId });
    await expect(clio.findLogByIdempotencyKey(lookup('key-other', startedAt))).resolves.toEqual({});
    const [list] = fake.requestsTo('GET', COMMUNICATIONS).slice(-1);
    expect(list.query).toMatchObject({ contact_id: String(contact.id), fields: expect.stringContaining('external_properties') });
    expect(Date.parse(list.query.created_since)).toBeLessThanOrEqual(Date.parse(startedAt));
  });

  it('adopts a communication whose create answer was lost to a timeout, without posting it twice', async () => {
    const startedAt = new Date().toISOString();
    fake.reset();
    fake.slowNext({ ms: 1500, method: 'POST', path: COMMUNICATIONS });
    const before = fake.communications.size;
    await expect(clio.createCallLog(callLog('key-lost'))).rejects.toMatchObject({ message: expect.stringContaining('did not answer') });
    // Clio made it; we did not hear back, and the POST was not repeated.
    expect(fake.communications.size).toBe(before + 1);
    expect(fake.requestsTo('POST', COMMUNICATIONS)).toHaveLength(1);
    const made = [...fake.communications.values()].at(-1)!;
    await expect(clio.findLogByIdempotencyKey(lookup('key-lost', startedAt))).resolves.toEqual({ logId: String(made.id) });
  });
});
