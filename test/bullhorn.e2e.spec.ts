import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { BullhornConnector } from '../src/connectors/bullhorn/bullhorn.connector.js';
import { AuthService } from '../src/auth/auth.service.js';
import { SessionTokenService } from '../src/auth/session-token.service.js';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import { FakeBullhornServer, type FakeBullhornPerson } from './fakes/fake-bullhorn.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const REDIRECT_URI = 'https://app.example.com/bullhorn/oauth';
const NOTE = /^\/rest-services\/corp7\/entity\/Note$/;
const NOTE_ID = /^\/rest-services\/corp7\/entity\/Note\/\d+$/;
const TOKEN = /^\/oauth\/token$/;
const LOGIN = /^\/rest-services\/login$/;

const newSessionId = () => `s-${randomUUID()}`;

describe('Bullhorn connector through our routes (e2e, fake Bullhorn)', () => {
  let fake: FakeBullhornServer;
  let t: TestApp;
  let token: string;
  let candidate: FakeBullhornPerson;
  let contact: FakeBullhornPerson;
  let lead: FakeBullhornPerson;

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });

  const oauthLogin = async (userId: number, username: string) => {
    const code = fake.issueAuthorizationCode(userId);
    const callbackUri = `${REDIRECT_URI}?code=${code}&state=${encodeURIComponent('platform=bullhorn')}`;
    const response = await t.http.get('/oauth-callback').query({ callbackUri, username }).expect(200);
    return response.body.jwtToken as string;
  };

  const callBody = (sessionId: string, person: FakeBullhornPerson, type: string, extra: Record<string, unknown> = {}) => ({
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
    contactType: type,
    note: 'Candidate is <open> to relocate.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakeBullhornServer.start();
    t = await createTestApp({
      env: {
        BULLHORN_REST_BASE_URL: fake.url,
        BULLHORN_OAUTH_BASE_URL: fake.url,
        BULLHORN_CLIENT_ID: fake.clientId,
        BULLHORN_CLIENT_SECRET: fake.clientSecret,
        BULLHORN_REDIRECT_URI: REDIRECT_URI,
        CRM_HTTP_MAX_RETRIES: '2',
        CRM_HTTP_TIMEOUT_MS: '2000',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    fake.addUser({ id: 71, username: 'rita.recruiter', firstName: 'Rita', lastName: 'Recruiter', timeZoneOffsetEST: 60 });
    fake.addUser({ id: 72, username: 'sam.sourcer', firstName: 'Sam', lastName: 'Sourcer' });
    candidate = fake.addPerson('Candidate', { firstName: 'Carla', lastName: 'Candidate', mobile: '(415) 555-0100' });
    contact = fake.addPerson('ClientContact', { firstName: 'Clint', lastName: 'Contact', phone: '+1 415-555-0100' });
    lead = fake.addPerson('Lead', { firstName: 'Lee', lastName: 'Lead', workPhone: '4155550100' });
    fake.addPerson('Candidate', { firstName: 'Other', lastName: 'Number', phone: '+1 415 555 0101' });
    fake.addPerson('Candidate', { firstName: 'Gone', lastName: 'Deleted', phone: '(415) 555-0100', isDeleted: true });
    token = await oauthLogin(71, 'rita.recruiter');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('finds the data centre by username, exchanges the code there, and opens a REST session', async () => {
      const code = fake.issueAuthorizationCode(72);
      const response = await t.http
        .get('/oauth-callback')
        .query({ state: 'platform=bullhorn', code, username: 'sam.sourcer' })
        .expect(200);
      expect(response.body).toMatchObject({ name: 'Sam Sourcer', returnMessage: { messageType: 'success' } });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /rest-services/loginInfo',
        'POST /oauth/token',
        'POST /rest-services/login',
        'GET /rest-services/corp7/settings/userId',
        'GET /rest-services/corp7/entity/CorporateUser/72',
      ]);
      const [info, exchange, login, me] = fake.requests;
      expect(info.query).toEqual({ username: 'sam.sourcer' });
      expect(exchange.body).toMatchObject({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
      });
      expect(exchange.query).toEqual({});
      expect(login.query).toMatchObject({ version: '2.0', access_token: expect.stringMatching(/^bh-at-/) });
      expect(me.headers.bhresttoken).toMatch(/^bh-rest-/);
      // Nothing secret in the answer, and the stored credentials are encrypted.
      expect(JSON.stringify(response.body)).not.toMatch(/bh-(at|rt|rest)-/);
      const stored = await t.get(UsersRepository).findById('bullhorn-72');
      expect(stored?.credentials).not.toMatch(/bh-(at|rt|rest)-/);
    });

    it('stores the user timezone from Bullhorn offset to US Eastern', async () => {
      const stored = await t.get(UsersRepository).findById('bullhorn-71');
      expect(stored).toMatchObject({ name: 'Rita Recruiter', timezone: '-04:00' });
    });

    it('asks for the username, naming the field, before calling Bullhorn', async () => {
      const response = await t.http.get('/oauth-callback').query({ state: 'platform=bullhorn', code: 'x' }).expect(400);
      expect(response.body.fields).toEqual(['username']);
      expect(fake.requests).toHaveLength(0);
    });

    it('answers 400 with Bullhorn reason for a refused code', async () => {
      const response = await t.http
        .get('/oauth-callback')
        .query({ state: 'platform=bullhorn', code: 'stale', username: 'rita.recruiter' })
        .expect(400);
      expect(response.body.returnMessage.message).toMatch(/Bullhorn refused the sign-in: Invalid, expired, or revoked grant/);
    });

    it('lists Bullhorn in the manifest: OAuth, HTML, three contact types, a note action with a default', async () => {
      const response = await t.http.get('/crmManifest?platformName=bullhorn').expect(200);
      expect(response.body.platforms.bullhorn).toMatchObject({
        auth: { type: 'oauth' },
        logFormat: 'text/html',
        contactTypes: ['Candidate', 'Contact', 'Lead'].map((type) => ({ display: type, value: type })),
        page: {
          callLog: { additionalFields: [{ const: 'noteActions', type: 'selection', contactDependent: true, defaultValue: 'Call' }] },
          messageLog: { additionalFields: [{ const: 'noteActions', type: 'selection', contactDependent: true, defaultValue: 'SMS' }] },
        },
      });
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['dotted digits', '415.555.0100'],
    ])('finds candidates, contacts and leads stored in different formats from %s', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string; type: string }) => [c.id, c.type]).sort()).toEqual(
        [
          [String(candidate.id), 'Candidate'],
          [String(contact.id), 'Contact'],
          [String(lead.id), 'Lead'],
        ].sort(),
      );
      const carla = found.find((c: { id: string }) => c.id === String(candidate.id));
      expect(carla.additionalInfo.noteActions).toEqual(fake.commentActionList.map((a) => ({ const: a, title: a })));
      const searches = fake.requests.filter((r) => r.path.includes('/search/'));
      expect(searches.map((s) => s.path.split('/').pop()).sort()).toEqual(['Candidate', 'ClientContact', 'Lead']);
      for (const search of searches) {
        expect((search.body as { query: string }).query).toContain('phone:4155550100');
        expect((search.body as { query: string }).query).toContain('isDeleted:false');
      }
    });

    it('creates a candidate and a lead; refuses a client contact, naming the field', async () => {
      const created = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550177', newContactName: 'Nina New', newContactType: 'Candidate' })
        .expect(200);
      expect(created.body.contact).toMatchObject({ name: 'Nina New', type: 'Candidate' });
      const [put] = fake.requestsTo('PUT', /\/entity\/Candidate$/);
      expect(put.body).toEqual({ firstName: 'Nina', lastName: 'New', name: 'Nina New', phone: '+14155550177' });
      const asLead = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550178', newContactName: 'Leo Lead', newContactType: 'Lead' })
        .expect(200);
      expect(fake.persons.get(Number(asLead.body.contact.id))?.entity).toBe('Lead');
      const refused = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550179', newContactName: 'Cora Client', newContactType: 'Contact' })
        .expect(400);
      expect(refused.body.fields).toEqual(['newContactType']);
    });
  });

  describe('call logging', () => {
    it('creates a note with the chosen action, refuses a duplicate, looks it up, and updates it', async () => {
      const sessionId = newSessionId();
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, candidate, 'Candidate', { additionalSubmission: { noteActions: 'Left Message' } }))
        .expect(200);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
      const [put, ...more] = fake.requestsTo('PUT', NOTE);
      expect(more).toHaveLength(0);
      expect(put.body).toMatchObject({ action: 'Left Message', personReference: { id: candidate.id }, commentingPerson: { id: 71 } });
      const note = fake.notes.get(Number(created.body.logId))!;
      expect(note.comments).toContain('Candidate is &lt;open&gt; to relocate.');
      expect(note.comments).toMatch(/^<b>.+<\/b><br>/);

      const duplicate = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, candidate, 'Candidate')).expect(200);
      expect(duplicate.body.successful).toBe(false);
      expect(fake.requestsTo('PUT', NOTE)).toHaveLength(1);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expect(lookup.body.logs[0]).toMatchObject({ matched: true, logId: created.body.logId });
      expect(lookup.body.logs[0].logData.fullBody).toContain('to relocate');
      const { subject, fullBody } = lookup.body.logs[0].logData;
      expect(note.comments.startsWith(`<b>${subject}</b><br>${fullBody}`)).toBe(true);
      expect(fullBody).toContain('to relocate');
      // The subject line and our hidden key (once the core sends one) are not part of the body.
      expect(fullBody).not.toContain(`<b>${subject}</b>`);
      expect(fullBody).not.toContain('rc-app-connect-key');

      fake.reset();
      await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'Interview booked.', additionalSubmission: { noteActions: 'Call' } })
        .expect(200);
      const updates = fake.requestsTo('POST', NOTE_ID);
      expect(updates).toHaveLength(1);
      expect(updates[0].body).toMatchObject({ action: 'Call' });
      expect(note.comments).toContain('Interview booked.');
      expect(note.action).toBe('Call');
    });

    it('uses the Call action when the form sends none or one the account lacks; Bullhorn refusal reaches the user', async () => {
      const plain = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), lead, 'Lead')).expect(200);
      expect(fake.notes.get(Number(plain.body.logId))!.action).toBe('Call');
      const bogus = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), lead, 'Lead', { additionalSubmission: { noteActions: 'Bogus' } }))
        .expect(200);
      expect(fake.notes.get(Number(bogus.body.logId))!.action).toBe('Call');

      // An admin removed an action after we read the list: Bullhorn refuses it, and says why.
      const saved = fake.commentActionList;
      fake.commentActionList = saved.filter((action) => action !== 'Left Message');
      try {
        const refused = await t.http
          .post('/callLog')
          .set(auth())
          .send(callBody(newSessionId(), lead, 'Lead', { additionalSubmission: { noteActions: 'Left Message' } }))
          .expect(200);
        expect(refused.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringContaining('Invalid action: Left Message') } });
      } finally {
        fake.commentActionList = saved;
      }
    });

    it('waits out a 429 with Retry-After, then logs the call once', async () => {
      fake.failNext({ status: 429, method: 'PUT', path: NOTE, headers: { 'retry-after': '1' }, body: { errorCode: 429, errorMessage: 'Too many requests' } });
      const before = fake.notes.size;
      const startedAt = Date.now();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), contact, 'Contact')).expect(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('PUT', NOTE)).toHaveLength(2);
      expect(fake.notes.size).toBe(before + 1);
    });

    it('queues a create Bullhorn answers 500 to, with its reason, and does not repeat it blindly', async () => {
      fake.failNext({ status: 500, method: 'PUT', path: NOTE, body: { errorCode: 500, errorMessage: 'Note service unavailable' } });
      const before = fake.notes.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), contact, 'Contact')).expect(200);
      // Kept in the outbox (the worker reconciles it by its key before any re-create).
      expect(response.body).toMatchObject({
        successful: true,
        returnMessage: { messageType: 'warning', message: expect.stringMatching(/Note service unavailable.*queued/) },
      });
      expect(fake.requestsTo('PUT', NOTE)).toHaveLength(1);
      expect(fake.notes.size).toBe(before);
      // The worker then logs it once, after looking for it by its key. Waited for here, so
      // its requests (and its token renewals) do not land in later tests' counts.
      const pending = () => t.get(DataSource).query('SELECT 1 FROM pending_writes') as Promise<unknown[]>;
      await vi.waitFor(async () => expect(await pending()).toHaveLength(0), { timeout: 15_000, interval: 100 });
      expect(fake.notes.size).toBe(before + 1);
      expect(fake.requestsTo('PUT', NOTE)).toHaveLength(2);
    });
  });

  describe('message logging', () => {
    const CARLA = { phoneNumber: '+14155550100', name: 'Carla Candidate' };
    const ME = { phoneNumber: '+16505550199', name: 'Rita Recruiter' };
    let conversation = 770000;
    const message = (id: number, at: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? CARLA : ME,
      to: [id % 2 ? ME : CARLA],
      subject: `text number ${id}`,
      creationTime: at,
      conversationId: conversation,
      ...extra,
    });
    const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}, logInfo: Record<string, unknown> = {}) => ({
      contactId: String(candidate.id),
      contactName: 'Carla Candidate',
      contactType: 'Candidate',
      logInfo: { conversationId: conversation, correspondents: [CARLA], messages, ...logInfo },
      ...extra,
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 5, day, 15, minute)).toISOString();

    beforeEach(() => {
      conversation++;
    });

    it('creates an SMS note, updates it the same day, starts another the next day, and skips a re-send', async () => {
      await post(messageLog([message(1, at(24, 1))])).expect(200);
      const [put] = fake.requestsTo('PUT', NOTE);
      expect(put.body).toMatchObject({ action: 'SMS', personReference: { id: candidate.id } });
      const digest = [...fake.notes.values()].at(-1)!;

      fake.reset();
      await post(messageLog([message(2, at(24, 2)), message(3, at(24, 3))])).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /rest-services/corp7/entity/Note/${digest.id}`]);
      for (const id of [1, 2, 3]) expect(digest.comments).toContain(`text number ${id}`);

      fake.reset();
      await post(messageLog([message(5, at(25, 1))])).expect(200);
      expect(fake.requestsTo('PUT', NOTE)).toHaveLength(1);
      expect([...fake.notes.values()].at(-1)!.comments).not.toContain('text number 1');

      fake.reset();
      const resend = await post(messageLog([message(5, at(25, 1)), message(3, at(24, 3))])).expect(200);
      expect(resend.body).toMatchObject({ successful: true, logIds: [] });
      expect(fake.requests).toHaveLength(0);
    });

    it('logs a shared SMS thread as one note updated with the thread body', async () => {
      const shared = (messages: unknown[], logInfo: Record<string, unknown> = {}) =>
        messageLog(messages, {}, { conversationLogId: `thread-${conversation}`, owner: { name: 'Desk Queue', extensionType: 'Department' }, ...logInfo });
      await post(shared([message(11, at(26, 1))])).expect(200);
      const thread = [...fake.notes.values()].at(-1)!;
      expect(thread.comments).toContain('Desk Queue');
      fake.reset();
      await post(shared([message(12, at(27, 1), { author: { name: 'Agent Amy' } })], { assignee: { name: 'Agent Amy' } })).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /rest-services/corp7/entity/Note/${thread.id}`]);
      expect(thread.comments).toContain('text number 11');
      expect(thread.comments).toContain('text number 12');
    });

    it('puts voicemail, fax and MMS links into the note, without the RingCentral token', async () => {
      const rcAccessToken = 'rc-secret-access-token';
      await post(
        messageLog(
          [
            message(21, at(28, 1), { type: 'VoiceMail', subject: undefined, attachments: [{ id: 1, type: 'AudioRecording', uri: 'https://media.example.com/vm/21' }] }),
            message(23, at(28, 2), { type: 'Fax', subject: undefined, attachments: [{ id: 2, type: 'RenderedDocument', uri: 'https://media.example.com/fax/23', contentType: 'application/pdf' }] }),
            message(25, at(28, 3), { type: 'MMS', attachments: [{ id: 3, type: 'MmsAttachment', uri: 'https://media.example.com/mms/25.png', contentType: 'image/png' }] }),
          ],
          { rcAccessToken },
        ),
      ).expect(200);
      const comments = [...fake.requestsTo('PUT', NOTE), ...fake.requestsTo('POST', NOTE_ID)]
        .map((r) => String((r.body as { comments?: string }).comments ?? ''))
        .join('\n');
      expect(comments).toContain('https://media.example.com/vm/21');
      expect(comments).toContain('https://media.example.com/fax/23');
      expect(comments).toContain('https://media.example.com/mms/25.png');
      expect(JSON.stringify(fake.requests.map((r) => r.body))).not.toContain(rcAccessToken);
    });
  });

  describe('session renewal', () => {
    it('renews an expired REST session through the refresh token, once, and repeats the request', async () => {
      const jwt = await oauthLogin(72, 'sam.sourcer');
      fake.reset();
      fake.expireSessions();
      const response = await t.http.post('/callLog').set(auth(jwt)).send(callBody(newSessionId(), contact, 'Contact')).expect(200);
      expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('POST', TOKEN)).toHaveLength(1);
      expect(fake.requestsTo('POST', TOKEN)[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: expect.stringMatching(/^bh-rt-/) });
      expect(fake.requestsTo('POST', LOGIN)).toHaveLength(1);
      expect(fake.notes.get(Number(response.body.logId))!.commentingPerson).toEqual({ id: 72 });

      // Bullhorn rotated the refresh token: the next renewal must use the new one.
      fake.reset();
      fake.expireSessions();
      const again = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt)).expect(200);
      expect(again.body.successful).toBe(true);
      expect(fake.requestsTo('POST', TOKEN)).toHaveLength(1);
    });

    it('answers 401 CRM_SESSION_REVOKED when Bullhorn refuses the refresh token', async () => {
      const jwt = await oauthLogin(72, 'sam.sourcer');
      fake.revokeRefreshTokensOf(72);
      fake.expireSessions();
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ errorCode: 'CRM_SESSION_REVOKED' });
      expect(response.body.returnMessage.message).toMatch(/Bullhorn refused to renew the session/);
    });

    it('refreshes the user information', async () => {
      fake.users.get(71)!.lastName = 'Renamed';
      fake.users.get(71)!.name = 'Rita Renamed';
      const response = await t.http.post('/user/refreshInfo').set(auth()).expect(200);
      expect(response.body.successful).toBe(true);
      expect((await t.get(UsersRepository).findById('bullhorn-71'))?.name).toBe('Rita Renamed');
    });
  });

  describe('connector methods the core calls without a route of ours yet', () => {
    const sessionFor = async (jwt: string) => {
      const payload = t.get(SessionTokenService).verify(jwt) as unknown as { sub: string; sv: number; platform: string };
      return (await t.get(AuthService).resolveSession(payload.sub, payload.sv, payload.platform)).context;
    };

    it('authValidation: a live session is fine; an expired one is renewed; a refused renewal fails', async () => {
      const bullhorn = t.get(BullhornConnector);
      const jwt = await oauthLogin(72, 'sam.sourcer');
      await expect(bullhorn.authValidation(await sessionFor(jwt))).resolves.toEqual({ successful: true, status: 200 });
      fake.expireSessions();
      fake.reset();
      await expect(bullhorn.authValidation(await sessionFor(jwt))).resolves.toEqual({ successful: true, status: 200 });
      expect(fake.requestsTo('POST', TOKEN)).toHaveLength(1);
      fake.expireSessions();
      fake.revokeRefreshTokensOf(72);
      const failed = await bullhorn.authValidation(await sessionFor(jwt));
      expect(failed).toMatchObject({ successful: false, status: 401, returnMessage: { messageType: 'warning' } });
    });

    it('upsertCallDisposition changes the note action; getUserList lists the users', async () => {
      const bullhorn = t.get(BullhornConnector);
      const created = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), candidate, 'Candidate')).expect(200);
      const context = await sessionFor(token);
      await bullhorn.upsertCallDisposition({ ...context, existingCallLog: { thirdPartyLogId: created.body.logId }, dispositions: { noteActions: 'Email' } });
      expect(fake.notes.get(Number(created.body.logId))!.action).toBe('Email');
      await expect(
        bullhorn.upsertCallDisposition({ ...context, existingCallLog: { thirdPartyLogId: created.body.logId }, dispositions: { noteActions: 'Nope' } }),
      ).rejects.toMatchObject({ details: { fields: ['dispositions.noteActions'] } });
      const users = await bullhorn.getUserList(context);
      expect(users).toEqual(
        expect.arrayContaining([
          { id: '71', name: expect.any(String), email: 'rita.recruiter@agency.example' },
          { id: '72', name: 'Sam Sourcer', email: 'sam.sourcer@agency.example' },
        ]),
      );
    });

    it('finds a note by its idempotency key, hidden in the HTML', async () => {
      const bullhorn = t.get(BullhornConnector);
      const context = await sessionFor(token);
      const since = new Date().toISOString();
      const created = await bullhorn.createCallLog({
        ...context,
        contactInfo: { id: String(lead.id), name: 'Lee Lead' },
        callLog: { sessionId: 's-k', direction: 'Outbound' },
        composedLogDetails: '<p>body</p>',
        subject: 'Call to Lee',
        idempotencyKey: 'key-42',
      });
      expect(fake.notes.get(Number(created.logId))!.comments).toContain('<!-- rc-app-connect-key:key-42 -->');
      const lookup = (key: string) =>
        bullhorn.findLogByIdempotencyKey({ ...context, kind: 'call', idempotencyKey: key, contactInfo: { id: String(lead.id), name: 'Lee Lead' }, since });
      await expect(lookup('key-42')).resolves.toEqual({ logId: created.logId });
      await expect(lookup('key-43')).resolves.toEqual({});
    });
  });
});
