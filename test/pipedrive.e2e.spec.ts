import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { FakePipedriveServer, type FakePerson } from './fakes/fake-pipedrive.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ALICE_TOKEN = 'pd-api-token-alice-0123456789';
const REDIRECT_URI = 'https://app.example.com/pipedrive/oauth';
const ACTIVITY_PATH = /^\/api\/v2\/activities\/\d+$/;
const ACTIVITIES = /^\/api\/v2\/activities$/;

const newSessionId = () => `s-${randomUUID()}`;

describe('Pipedrive connector through our routes (e2e, fake Pipedrive)', () => {
  let fake: FakePipedriveServer;
  let t: TestApp;
  let token: string;
  let jane: FakePerson;
  let bob: FakePerson;
  let renewal: { id: number; title: string };
  let upsell: { id: string; title: string };

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });

  const callBody = (sessionId: string, person: FakePerson, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: person.name },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: String(person.id),
    contactName: person.name,
    contactType: 'Contact',
    note: 'Discussed <renewal> options.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    t = await createTestApp({
      env: {
        PIPEDRIVE_API_BASE_URL: fake.url,
        PIPEDRIVE_OAUTH_BASE_URL: fake.url,
        PIPEDRIVE_CLIENT_ID: fake.clientId,
        PIPEDRIVE_CLIENT_SECRET: fake.clientSecret,
        PIPEDRIVE_REDIRECT_URI: REDIRECT_URI,
        CRM_HTTP_MAX_RETRIES: '2',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    fake.addUser({ id: 11, name: 'Alice Agent', timezone_name: 'Asia/Tokyo' }, ALICE_TOKEN);
    fake.addUser({ id: 12, name: 'Oscar OAuth' });
    jane = fake.addPerson({ name: 'Jane Smith', phones: ['(415) 555-0100'], org_id: 501, org_name: 'Acme Ltd' });
    bob = fake.addPerson({ name: 'Bob Jones', phones: ['+14155550100', '+14155550111'] });
    fake.addPerson({ name: 'Not Matching', phones: ['+14155550199'] });
    renewal = fake.addDeal(jane.id, 'Renewal 2026');
    fake.addDeal(jane.id, 'Lost deal', 'lost');
    upsell = fake.addLead(jane.id, 'Upsell');
    fake.addLead(jane.id, 'Old lead', true);
    token = await t.login('pipedrive', ALICE_TOKEN, { hostname: 'acme.pipedrive.com' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('logs in with a personal API token sent in x-api-token, never in the URL', async () => {
      const response = await t.http
        .post('/apiKeyLogin')
        .send({ platform: 'pipedrive', apiKey: ALICE_TOKEN, hostname: 'acme.pipedrive.com' })
        .expect(200);
      expect(response.body).toMatchObject({
        jwtToken: expect.any(String),
        name: 'Alice Agent',
        returnMessage: { messageType: 'success' },
      });
      const [me, ...others] = fake.requests;
      expect(others).toHaveLength(0);
      expect(me).toMatchObject({ method: 'GET', path: '/api/v1/users/me', query: {} });
      expect(me.headers['x-api-token']).toBe(ALICE_TOKEN);
      expect(me.headers.authorization).toBeUndefined();
    });

    it('answers 400 with the reason when Pipedrive refuses the token', async () => {
      const response = await t.http.post('/apiKeyLogin').send({ platform: 'pipedrive', apiKey: 'wrong' }).expect(400);
      expect(response.body.successful).toBe(false);
      expect(response.body.returnMessage.message).toMatch(/Pipedrive did not accept these credentials/);
      expect(JSON.stringify(response.body)).not.toContain('wrong');
    });

    it('logs in with OAuth: code exchanged with HTTP Basic client auth, then users/me with the Bearer token', async () => {
      const code = fake.issueAuthorizationCode(12);
      const callbackUri = `${REDIRECT_URI}?code=${code}&state=${encodeURIComponent('platform=pipedrive')}`;
      const response = await t.http
        .get('/oauth-callback')
        .query({ callbackUri })
        .expect(200);
      expect(response.body).toMatchObject({ jwtToken: expect.any(String), name: 'Oscar OAuth' });
      const [exchange, me] = fake.requests;
      expect(exchange).toMatchObject({
        method: 'POST',
        path: '/oauth/token',
        body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      });
      expect(exchange.headers.authorization).toBe(
        `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`,
      );
      expect(me.path).toBe('/api/v1/users/me');
      expect(me.headers.authorization).toMatch(/^Bearer at-/);
    });

    it('lists Pipedrive in the manifest with an HTML log format and deal/lead choices', async () => {
      const response = await t.http.get('/crmManifest').expect(200);
      const manifest = JSON.stringify(response.body);
      expect(manifest).toContain('pipedrive');
      expect(manifest).toContain('"const":"deals"');
      expect(manifest).toContain('"const":"leads"');
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['dotted digits', '415.555.0100'],
    ])('finds persons stored in different formats from %s, once each, with deals and leads', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      expect(response.body.successful).toBe(true);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string }) => c.id).sort()).toEqual([String(jane.id), String(bob.id)].sort());
      const janeInfo = found.find((c: { id: string }) => c.id === String(jane.id));
      expect(janeInfo).toMatchObject({ name: 'Jane Smith', company: 'Acme Ltd', phone: '(415) 555-0100' });
      expect(janeInfo.additionalInfo).toEqual({
        deals: [{ const: String(renewal.id), title: 'Renewal 2026' }],
        leads: [{ const: upsell.id, title: 'Upsell' }],
      });

      const searches = fake.requestsTo('GET', /^\/api\/v2\/persons\/search$/);
      expect(searches.length).toBeGreaterThanOrEqual(3);
      for (const search of searches) expect(search.query).toMatchObject({ fields: 'phone', exact_match: 'true' });
      expect(new Set(searches.map((s) => s.query.term)).size).toBe(searches.length);
      expect(searches.map((s) => s.query.term)).toEqual(expect.arrayContaining(['+14155550100', '(415) 555-0100']));
    });

    it('creates a person with the phone number', async () => {
      const response = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550177', newContactName: 'New Person', newContactType: 'Contact' })
        .expect(200);
      expect(response.body).toMatchObject({ successful: true, contact: { name: 'New Person' } });
      const [create] = fake.requestsTo('POST', /^\/api\/v2\/persons$/);
      expect(create.body).toEqual({
        name: 'New Person',
        phones: [{ value: '+14155550177', primary: true, label: 'work' }],
        owner_id: 11,
      });
      expect(fake.persons.get(Number(response.body.contact.id))?.phones).toEqual(['+14155550177']);
    });
  });

  describe('call logging', () => {
    it('creates a call activity, looks it up, and updates it with one PATCH', async () => {
      const sessionId = newSessionId();
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, jane, { additionalSubmission: { deals: String(renewal.id) } }))
        .expect(200);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });

      const [post, ...morePosts] = fake.requestsTo('POST', ACTIVITIES);
      expect(morePosts).toHaveLength(0);
      expect(post.body).toMatchObject({
        type: 'call',
        owner_id: 11,
        done: true,
        due_date: '2026-06-24',
        due_time: '02:30',
        duration: '00:03',
        participants: [{ person_id: jane.id, primary: true }],
        org_id: 501,
        deal_id: renewal.id,
      });
      const activity = fake.activities.get(Number(created.body.logId))!;
      expect(activity.note).toContain('Discussed &lt;renewal&gt; options.');
      expect(activity.note).toMatch(/<(br|p|b|ul|li|strong)\b/);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expect(lookup.body.logs[0]).toMatchObject({
        sessionId,
        matched: true,
        logId: created.body.logId,
      });
      expect(lookup.body.logs[0].logData).toMatchObject({ subject: activity.subject, fullBody: activity.note });

      fake.reset();
      await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Follow up next week.', duration: 300 })
        .expect(200);
      const patches = fake.requestsTo('PATCH', ACTIVITY_PATH);
      expect(patches).toHaveLength(1);
      expect(patches[0].path).toBe(`/api/v2/activities/${created.body.logId}`);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(0);
      expect(activity.note).toContain('Follow up next week.');
      expect(activity.duration).toBe('00:05');
    });

    it('reads a person once for its organisation, and not at all after a contact lookup', async () => {
      const carol = fake.addPerson({ name: 'Carol Cold', phones: ['+14155550123'], org_id: 777, org_name: 'Cold Corp' });
      const first = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), carol)).expect(200);
      expect(first.body.successful).toBe(true);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET /api/v2/persons/${carol.id}`,
        'POST /api/v2/activities',
      ]);
      expect(fake.activities.get(Number(first.body.logId))?.org_id).toBe(777);

      fake.reset();
      await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), carol)).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/activities']);

      const dave = fake.addPerson({ name: 'Dave Looked-up', phones: ['+14155550124'], org_id: 778, org_name: 'Warm Ltd' });
      await t.http.get('/contact?phoneNumber=%2B14155550124').set(auth()).expect(200);
      fake.reset();
      const logged = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), dave)).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/activities']);
      expect(fake.activities.get(Number(logged.body.logId))?.org_id).toBe(778);
    });

    it('links a lead when no deal is chosen', async () => {
      await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), jane, { additionalSubmission: { leads: upsell.id } }))
        .expect(200);
      const [post] = fake.requestsTo('POST', ACTIVITIES);
      expect(post.body).toMatchObject({ lead_id: upsell.id });
      expect(post.body).not.toHaveProperty('deal_id');
    });

    it('waits out a 429 with Retry-After, then logs the call once', async () => {
      fake.failNext({
        status: 429,
        method: 'POST',
        path: ACTIVITIES,
        headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' },
        body: { success: false, error: 'Request over limit' },
      });
      const before = fake.activities.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob)).expect(200);
      expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(2);
      expect(fake.activities.size).toBe(before + 1);
    });

    it('keeps a call Pipedrive answered 500 for, then the worker finds no activity with its key and creates it once', async () => {
      const sessionId = newSessionId();
      fake.failNext({
        status: 500,
        method: 'POST',
        path: ACTIVITIES,
        body: { success: false, error: 'Activity storage is temporarily unavailable' },
      });
      const before = fake.activities.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(response.body).toMatchObject({
        successful: true,
        returnMessage: {
          messageType: 'warning',
          message: 'Activity storage is temporarily unavailable. The call is queued and will be written to Pipedrive automatically.',
        },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
      // A create is never repeated by the HTTP client: whether it landed is unknown.
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
      expect(fake.activities.size).toBe(before);

      const lookup = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
      // Queued is logged for the extension: matched, without a log id until Pipedrive has one.
      expect(lookup.body.logs).toEqual([{ sessionId, matched: true }]);
      // The kept create holds the session: a second create does not make a second activity.
      const again = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(again.body).toMatchObject({ successful: false, returnMessage: { message: `Existing log for session ${sessionId}` } });

      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      // Reconciled first: the person's recent activities, searched for the write's key.
      const searches = fake.requestsTo('GET', ACTIVITIES);
      expect(searches).toHaveLength(1);
      expect(searches[0]!.query).toMatchObject({ person_id: String(jane.id) });
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(2);
      expect(fake.activities.size).toBe(before + 1);
      const created = [...fake.activities.values()].at(-1)!;
      expect(created.public_description).toMatch(/^App Connect write [0-9a-f-]{36}$/);

      const logged = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
      expect(logged.body.logs).toEqual([{ sessionId, matched: true, logId: String(created.id) }]);
    });

    it('reconciles a create whose answer was lost: the activity is found by its key, not made twice', async () => {
      const sessionId = newSessionId();
      fake.failNext({ status: 504, method: 'POST', path: ACTIVITIES, afterProcessing: true });
      const before = fake.activities.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane)).expect(200);
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
      expect(fake.activities.size).toBe(before + 1);
      const landed = [...fake.activities.values()].at(-1)!;

      expect(await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000)).toBe(1);
      expect(fake.requestsTo('POST', ACTIVITIES)).toHaveLength(1);
      expect(fake.activities.size).toBe(before + 1);
      const logged = await t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
      expect(logged.body.logs).toEqual([{ sessionId, matched: true, logId: String(landed.id) }]);
    });
  });

  describe('message logging', () => {
    const JANE_NUMBER = { phoneNumber: '+14155550100', name: 'Jane Smith' };
    const ME = { phoneNumber: '+16505550199', name: 'Alice Agent' };
    let conversation = 880000;

    const message = (id: number, minute: number, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? JANE_NUMBER : ME,
      to: [id % 2 ? ME : JANE_NUMBER],
      subject: `text number ${id}`,
      creationTime: new Date(Date.parse('2026-06-24T01:00:00.000Z') + minute * 60_000).toISOString(),
      conversationId: conversation,
      ...extra,
    });
    const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
      contactId: String(jane.id),
      contactName: 'Jane Smith',
      contactType: 'Contact',
      logInfo: { conversationId: conversation, correspondents: [JANE_NUMBER], messages },
      ...extra,
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);

    beforeEach(() => {
      conversation++;
    });

    it('logs an SMS digest of 5 messages sent in two requests: one create, then one PATCH and no reads', async () => {
      const first = await post(messageLog([1, 2, 3].map((id) => message(id, id)))).expect(200);
      expect(first.body.successful).toBe(true);
      const [create, ...moreCreates] = fake.requestsTo('POST', ACTIVITIES);
      expect(moreCreates).toHaveLength(0);
      expect(create.body).toMatchObject({
        type: 'sms',
        owner_id: 11,
        done: true,
        due_date: '2026-06-24',
        due_time: '01:01',
        participants: [{ person_id: jane.id, primary: true }],
        org_id: 501,
      });
      const activityId = [...fake.activities.values()].at(-1)!.id;

      fake.reset();
      const second = await post(messageLog([4, 5].map((id) => message(id, id)))).expect(200);
      expect(second.body.successful).toBe(true);
      // The whole second request cost Pipedrive exactly one call: the PATCH with the complete digest.
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/v2/activities/${activityId}`]);
      const note = String(fake.activities.get(activityId)!.note);
      for (const id of [1, 2, 3, 4, 5]) expect(note).toContain(`text number ${id}`);
      expect(fake.activities.get(activityId)!.type).toBe('sms');
    });

    it('puts voicemail, fax and MMS links into the note, without the RingCentral token', async () => {
      const rcAccessToken = 'rc-secret-access-token';
      const messages = [
        message(11, 1, {
          type: 'VoiceMail',
          subject: undefined,
          attachments: [{ id: 1, type: 'AudioRecording', uri: 'https://media.example.com/voicemail/11', contentType: 'audio/mpeg' }],
        }),
        message(12, 2, {
          type: 'Fax',
          subject: undefined,
          attachments: [{ id: 2, type: 'RenderedDocument', uri: 'https://media.example.com/fax/12', contentType: 'application/pdf' }],
        }),
        message(13, 3, {
          type: 'MMS',
          attachments: [{ id: 3, type: 'MmsAttachment', uri: 'https://media.example.com/mms/13.png', contentType: 'image/png' }],
        }),
      ];
      const response = await post(messageLog(messages, { rcAccessToken })).expect(200);
      expect(response.body.successful).toBe(true);
      const writes = [...fake.requestsTo('POST', ACTIVITIES), ...fake.requestsTo('PATCH', ACTIVITY_PATH)];
      const notes = writes.map((w) => String((w.body as { note?: string }).note ?? '')).join('\n');
      expect(notes).toContain('https://media.example.com/voicemail/11');
      expect(notes).toContain('https://media.example.com/fax/12');
      expect(notes).toContain('https://media.example.com/mms/13.png');
      expect(JSON.stringify(fake.requests.map((r) => r.body))).not.toContain(rcAccessToken);
    });

    it('falls back to the call type when the account has no active SMS type', async () => {
      // A separate company, so the first company's cached activity types do not apply.
      fake.addUser({ id: 21, name: 'Nina NoSms', company_id: 99 }, 'pd-token-nina');
      const nina = await t.login('pipedrive', 'pd-token-nina');
      const saved = fake.activityTypes;
      fake.activityTypes = saved.map((type) => (type.key_string === 'sms' ? { ...type, active_flag: false } : type));
      try {
        await t.http.post('/messageLog').set(auth(nina)).send(messageLog([message(31, 1)])).expect(200);
      } finally {
        fake.activityTypes = saved;
      }
      const [create] = fake.requestsTo('POST', ACTIVITIES);
      expect(create.body).toMatchObject({ type: 'call', owner_id: 21 });
    });
  });

  describe('OAuth refresh', () => {
    let oauthToken: string;

    beforeAll(async () => {
      const code = fake.issueAuthorizationCode(12);
      const response = await t.http
        .get('/oauth-callback')
        .query({ state: 'platform=pipedrive', code })
        .expect(200);
      oauthToken = response.body.jwtToken;
    });

    it('refreshes once after a 401 and repeats the request with the new token', async () => {
      fake.expireAccessTokens();
      const response = await t.http
        .post('/callLog')
        .set(auth(oauthToken))
        .send(callBody(newSessionId(), bob))
        .expect(200);
      expect(response.body.successful).toBe(true);
      const refreshes = fake.requestsTo('POST', /^\/oauth\/token$/);
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: expect.stringMatching(/^rt-/) });
      const activity = fake.activities.get(Number(response.body.logId))!;
      expect(activity.owner_id).toBe(12);
      // Requests before the refresh met the 401; every request after it carries the new token.
      const refreshAt = fake.requests.indexOf(refreshes[0]);
      const before = fake.requests.slice(0, refreshAt);
      const after = fake.requests.slice(refreshAt + 1);
      expect(before.length).toBeGreaterThan(0);
      for (const r of before) expect(fake.accessTokens.has(r.headers.authorization!.slice(7))).toBe(false);
      for (const r of after) expect(fake.accessTokens.has(r.headers.authorization!.slice(7))).toBe(true);
      // The refused attempt (if the 401 met the create itself) created nothing; one create carried the new token.
      const creates = fake.requestsTo('POST', ACTIVITIES);
      expect(creates.filter((r) => fake.accessTokens.has(r.headers.authorization!.slice(7)))).toHaveLength(1);
    });

    it('collapses the refreshes of concurrent requests into one', async () => {
      fake.expireAccessTokens();
      const responses = await Promise.all(
        [1, 2, 3].map(() => t.http.get('/contact?phoneNumber=%2B14155550111').set(auth(oauthToken))),
      );
      for (const response of responses) expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('POST', /^\/oauth\/token$/)).toHaveLength(1);
    });
  });
});
