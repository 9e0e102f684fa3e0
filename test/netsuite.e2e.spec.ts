import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NetSuiteConnector } from '../src/connectors/netsuite/netsuite.connector.js';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import {
  FakeNetSuiteServer,
  type FakeNetSuiteContact,
  type FakeNetSuiteCustomer,
  type FakeNetSuiteEmployee,
  type FakeNetSuiteTransaction,
} from './fakes/fake-netsuite.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const REDIRECT_URI = 'https://app.example.com/netsuite/oauth';
const ACCOUNT = '1234567_SB1';
const HOSTNAME = '1234567-sb1.app.netsuite.com';
const TOKEN = /^\/services\/rest\/auth\/oauth2\/v1\/token$/;
const SUITEQL = /^\/services\/rest\/query\/v1\/suiteql$/;
const PHONE_CALLS = /^\/services\/rest\/record\/v1\/phoneCall$/;
const PHONE_CALL = /^\/services\/rest\/record\/v1\/phoneCall\/\d+$/;

const newSessionId = () => `s-${randomUUID()}`;

describe('NetSuite connector through our routes (e2e, fake NetSuite)', () => {
  let fake: FakeNetSuiteServer;
  let t: TestApp;
  let token: string;
  let nina: FakeNetSuiteEmployee;
  let oscar: FakeNetSuiteEmployee;
  let acme: FakeNetSuiteCustomer;
  let jane: FakeNetSuiteContact;
  let bob: FakeNetSuiteContact;
  let carla: FakeNetSuiteCustomer;
  let order: FakeNetSuiteTransaction;
  let deal: FakeNetSuiteTransaction;
  let tokyo: string;

  const auth = (jwt = token) => ({ Authorization: `Bearer ${jwt}` });

  /** Signs a NetSuite user in through /oauth-callback, with the redirect NetSuite sends (role, entity, company). */
  const oauthLogin = async (entity: string, company = ACCOUNT, hostname = HOSTNAME) => {
    const code = fake.issueAuthorizationCode(entity);
    const state = encodeURIComponent('platform=netsuite');
    const callbackUri = `${REDIRECT_URI}?state=${state}&role=3&entity=${entity}&company=${company}&code=${code}`;
    return t.http.get('/oauth-callback').query({ callbackUri, hostname });
  };

  const callBody = (sessionId: string, contact: { id: string }, type: string, name: string, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name },
      startTime: '2026-06-24T23:58:30.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: contact.id,
    contactName: name,
    contactType: type,
    note: 'Asked for a <quote> on 40 units.',
    ...extra,
  });

  beforeAll(async () => {
    fake = await FakeNetSuiteServer.start();
    t = await createTestApp({
      env: {
        NETSUITE_API_BASE_URL: fake.url,
        NETSUITE_OAUTH_BASE_URL: fake.url,
        NETSUITE_CLIENT_ID: fake.clientId,
        NETSUITE_CLIENT_SECRET: fake.clientSecret,
        NETSUITE_REDIRECT_URI: REDIRECT_URI,
        CRM_HTTP_MAX_RETRIES: '2',
        CRM_HTTP_TIMEOUT_MS: '2000',
        CONTACT_CACHE_TTL_SECONDS: '0',
      },
    });
    tokyo = fake.addSubsidiary('Japan KK', 'Asia/Tokyo');
    nina = fake.addEmployee({ firstName: 'Nina', lastName: 'Sales', subsidiary: tokyo });
    oscar = fake.addEmployee({ firstName: 'Oscar', lastName: 'Other', subsidiary: tokyo });
    acme = fake.addCustomer({ companyName: 'Acme Corp', phone: '+1 650 555 0000' });
    jane = fake.addContact({ firstName: 'Jane', lastName: 'Smith', phone: '(415) 555-0100', company: acme.id, email: 'jane@acme.example' });
    bob = fake.addContact({ firstName: 'Bob', lastName: 'Jones', officePhone: '4155550100' });
    carla = fake.addCustomer({ firstName: 'Carla', lastName: 'Customer', mobilePhone: '+1 415-555-0100' });
    // The SQL suffix match finds these too; neither is the number.
    fake.addContact({ firstName: 'Longer', lastName: 'Number', phone: '+44 1 415 555 0100' });
    fake.addContact({ firstName: 'Near', lastName: 'Miss', phone: '+1 415 555 0109' });
    fake.addContact({ firstName: 'Gone', lastName: 'Inactive', phone: '(415) 555-0100', isInactive: true });
    order = fake.addTransaction(acme.id, 'SalesOrd', 'SO-1001');
    deal = fake.addTransaction(carla.id, 'Opprtnty', 'OP-77');
    fake.addTransaction(carla.id, 'SalesOrd', 'SO-1002');
    const login = await oauthLogin(nina.id);
    expect(login.status).toBe(200);
    token = login.body.jwtToken;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  describe('sign-in', () => {
    it('exchanges the code with HTTP Basic client credentials, reads the employee NetSuite names, and keeps the subsidiary time zone', async () => {
      const response = await oauthLogin(oscar.id);
      expect(response.status).toBe(200);
      expectResponseMatchesContract('get', '/oauth-callback', response);
      expect(response.body).toMatchObject({ jwtToken: expect.any(String), name: 'Oscar Other', returnMessage: { messageType: 'success' } });
      const [exchange, employee, subsidiary, ...others] = fake.requests;
      expect(others).toHaveLength(0);
      expect(exchange).toMatchObject({
        method: 'POST',
        path: '/services/rest/auth/oauth2/v1/token',
        body: { grant_type: 'authorization_code', code: expect.stringMatching(/^ns-code-/), redirect_uri: REDIRECT_URI },
      });
      expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`);
      expect(JSON.stringify(exchange.body)).not.toContain(fake.clientSecret);
      expect(employee).toMatchObject({ method: 'GET', path: `/services/rest/record/v1/employee/${oscar.id}` });
      expect(employee.headers.authorization).toMatch(/^Bearer ns-at-/);
      expect(subsidiary).toMatchObject({ method: 'GET', path: `/services/rest/record/v1/subsidiary/${tokyo}` });
      expect(JSON.stringify(response.body)).not.toContain('ns-at-');
      const stored = await t.get(UsersRepository).findById(`netsuite-${oscar.id}-1234567-sb1`);
      expect(stored).toMatchObject({ name: 'Oscar Other', timezone: 'Asia/Tokyo', hostname: HOSTNAME });
      expect(stored?.platformAdditionalInfo).toMatchObject({ entityId: oscar.id, subsidiaryId: tokyo, email: oscar.email });
    });

    it('signs in without a time zone when the role may not read subsidiaries', async () => {
      fake.noSubsidiaryAccess.add(oscar.id);
      try {
        const response = await oauthLogin(oscar.id);
        expect(response.status).toBe(200);
        expect((await t.get(UsersRepository).findById(`netsuite-${oscar.id}-1234567-sb1`))?.timezone).not.toBe('Asia/Tokyo');
      } finally {
        fake.noSubsidiaryAccess.delete(oscar.id);
      }
    });

    it('signs in a role that may not read employee records, named by its entity id', async () => {
      fake.failNext({
        status: 403,
        method: 'GET',
        path: /\/record\/v1\/employee\//,
        body: { title: 'Forbidden', status: 403, 'o:errorDetails': [{ detail: 'Permission Violation: You need the Lists -> Employees permission.', 'o:errorCode': 'INSUFFICIENT_PERMISSION' }] },
      });
      const response = await oauthLogin(oscar.id);
      expect(response.status).toBe(200);
      expect(response.body.name).toBe(`NetSuite user ${oscar.id}`);
      expect(fake.requestsTo('GET', /\/record\/v1\/subsidiary\//)).toHaveLength(0);
      // The next refresh of the user information reads the name once the role may.
      await t.http.post('/user/refreshInfo').set(auth(response.body.jwtToken)).expect(200);
      expect((await t.get(UsersRepository).findById(`netsuite-${oscar.id}-1234567-sb1`))?.name).toBe('Oscar Other');
    });

    it.each([['evil.example.com'], ['1234567.app.netsuite.com.evil.example'], ['1234567.app.netsuite.com@evil.example'], ['12 34']])(
      'refuses the hostname %s before calling anyone, naming the field',
      async (hostname) => {
        const response = await oauthLogin(oscar.id, ACCOUNT, hostname);
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual(['hostname']);
        expect(fake.requests).toHaveLength(0);
      },
    );

    it('refuses a login whose redirect names another account than the chosen host', async () => {
      const response = await oauthLogin(oscar.id, '7654321');
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ errorCode: 'CRM_LOGIN_REJECTED' });
      expect(response.body.returnMessage.message).toMatch(/another account/);
    });

    it('answers 400 with NetSuite reason when the code is refused', async () => {
      const callbackUri = `${REDIRECT_URI}?state=platform%3Dnetsuite&entity=${nina.id}&company=${ACCOUNT}&code=stale`;
      const response = await t.http.get('/oauth-callback').query({ callbackUri, hostname: HOSTNAME }).expect(400);
      expect(response.body).toMatchObject({ successful: false, errorCode: 'CRM_LOGIN_REJECTED' });
      expect(response.body.returnMessage.message).toMatch(/NetSuite refused the sign-in: invalid_grant/);
    });

    it('lists NetSuite in the manifest: OAuth on the account host, plain text, contacts and customers, contact-dependent sales orders and opportunities', async () => {
      const response = await t.http.get('/crmManifest?platformName=netsuite').expect(200);
      expectResponseMatchesContract('get', '/crmManifest', response);
      expect(response.body.platforms.netsuite).toMatchObject({
        name: 'netsuite',
        displayName: 'NetSuite',
        auth: { type: 'oauth', oauth: { authUrl: `${fake.url}/app/login/oauth2/authorize.nl`, clientId: fake.clientId, redirectUri: REDIRECT_URI, scope: 'scope=rest_webservices' } },
        logFormat: 'text/plain',
        contactTypes: [{ display: 'Contact', value: 'Contact' }, { display: 'Customer', value: 'Customer' }],
        page: {
          callLog: {
            additionalFields: [
              { const: 'salesorder', type: 'selection', contactDependent: true },
              { const: 'opportunity', type: 'selection', contactDependent: true },
            ],
          },
          messageLog: { additionalFields: [{ const: 'salesorder' }, { const: 'opportunity' }] },
        },
      });
      expect(JSON.stringify(response.body)).not.toContain(fake.clientSecret);
    });

    it('refreshes the user information from the employee record', async () => {
      nina.lastName = 'Renamed';
      try {
        const response = await t.http.post('/user/refreshInfo').set(auth()).expect(200);
        expect(response.body.successful).toBe(true);
        expect((await t.get(UsersRepository).findById(`netsuite-${nina.id}-1234567-sb1`))?.name).toBe('Nina Renamed');
      } finally {
        nina.lastName = 'Sales';
      }
    });
  });

  describe('GET /contact', () => {
    it.each([
      ['E.164', '%2B14155550100'],
      ['national format', '(415)%20555-0100'],
      ['dotted digits', '415.555.0100'],
    ])('finds contacts and customers stored in different formats from %s, once each, with their sales orders and opportunities', async (_case, number) => {
      const response = await t.http.get(`/contact?phoneNumber=${number}`).set(auth()).expect(200);
      expectResponseMatchesContract('get', '/contact', response);
      const found = response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact);
      expect(found.map((c: { id: string }) => c.id).sort()).toEqual([jane.id, bob.id, carla.id].sort());
      const byId = (id: string) => found.find((c: { id: string }) => c.id === id);
      expect(byId(jane.id)).toMatchObject({ name: 'Jane Smith', type: 'Contact', phone: '(415) 555-0100', email: 'jane@acme.example' });
      // A contact's choices are its company's sales orders.
      expect(byId(jane.id).additionalInfo).toEqual({ salesorder: [{ const: order.id, title: 'Sales Order #SO-1001' }] });
      expect(byId(bob.id)).toMatchObject({ name: 'Bob Jones', type: 'Contact', phone: '4155550100', additionalInfo: {} });
      expect(byId(carla.id)).toMatchObject({ name: 'Carla Customer', type: 'Customer', phone: '+1 415-555-0100' });
      expect(byId(carla.id).additionalInfo.opportunity).toEqual([{ const: deal.id, title: 'Opportunity #OP-77' }]);
      expect(byId(carla.id).additionalInfo.salesorder).toHaveLength(1);

      // One query per record type, whatever the notation, plus one for all their transactions.
      const queries = fake.suiteQlQueries();
      expect(queries).toHaveLength(3);
      expect(queries.filter((q) => /FROM (contact|customer) /.test(q))).toHaveLength(2);
      for (const q of queries.filter((x) => /FROM (contact|customer) /.test(x))) expect(q).toContain("LIKE '%4155550100'");
      for (const request of fake.requestsTo('POST', SUITEQL)) {
        expect(request.headers.prefer).toBe('transient');
        expect(request.headers.authorization).toMatch(/^Bearer ns-at-/);
      }
    });

    it('answers no match, without asking NetSuite, for an extension number', async () => {
      const response = await t.http.get('/contact?phoneNumber=101&isExtension=true').set(auth()).expect(200);
      expect(response.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact)).toEqual([]);
      expect(fake.requestsTo('POST', SUITEQL)).toHaveLength(0);
    });

    it('creates a contact in the user subsidiary, and a person customer; both are found afterwards', async () => {
      const response = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550177', newContactName: 'Mary Ann Client', newContactType: 'Contact' })
        .expect(200);
      expectResponseMatchesContract('post', '/contact', response);
      expect(response.body).toMatchObject({ successful: true, contact: { name: 'Mary Ann Client', type: 'Contact' } });
      const [create] = fake.requestsTo('POST', /^\/services\/rest\/record\/v1\/contact$/);
      expect(create.body).toEqual({ firstName: 'Mary', middleName: 'Ann', lastName: 'Client', phone: '+14155550177', subsidiary: { id: tokyo } });
      expect(fake.contacts.get(response.body.contact.id)).toMatchObject({ lastName: 'Client', phone: '+14155550177' });

      const customer = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550178', newContactName: 'Cher', newContactType: 'Customer' })
        .expect(200);
      expect(customer.body.contact).toMatchObject({ name: 'Cher', type: 'Customer' });
      expect(fake.requestsTo('POST', /^\/services\/rest\/record\/v1\/customer$/)[0].body).toEqual({
        lastName: 'Cher',
        phone: '+14155550178',
        isPerson: true,
        subsidiary: { id: tokyo },
      });

      const found = await t.http.get('/contact?phoneNumber=%2B14155550177').set(auth()).expect(200);
      expect(found.body.contact.map((c: { id: string }) => c.id)).toContain(response.body.contact.id);
      const foundCustomer = await t.http.get('/contact?phoneNumber=%2B14155550178').set(auth()).expect(200);
      expect(foundCustomer.body.contact.map((c: { id: string }) => c.id)).toContain(customer.body.contact.id);
    });

    it('refuses an unknown contact type, naming the field, before calling NetSuite', async () => {
      const response = await t.http
        .post('/contact')
        .set(auth())
        .send({ phoneNumber: '+14155550179', newContactName: 'X Y', newContactType: 'Vendor' })
        .expect(400);
      expect(response.body.fields).toEqual(['newContactType']);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('call logging', () => {
    it('creates a phone call on the user clock, linked to the contact, its company and the sales order; refuses a duplicate; looks it up; updates it', async () => {
      const sessionId = newSessionId();
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(sessionId, jane, 'Contact', 'Jane Smith', { additionalSubmission: { salesorder: order.id } }))
        .expect(200);
      expectResponseMatchesContract('post', '/callLog', created);
      expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
      const [post, ...more] = fake.requestsTo('POST', PHONE_CALLS);
      expect(more).toHaveLength(0);
      // 23:58:30 UTC is 08:58 the next day in Tokyo; 125 s later is 09:00.
      expect(post.body).toMatchObject({
        status: 'COMPLETE',
        phone: '+14155550100',
        startDate: '2026-06-25',
        startTime: '08:58',
        endTime: '09:00',
        completedDate: '2026-06-25',
        timedEvent: true,
        contact: { id: jane.id },
        company: { id: acme.id },
        transaction: { id: order.id },
        externalId: expect.any(String),
      });
      const call = fake.phoneCalls.get(created.body.logId)!;
      expect(call.message).toContain('Asked for a <quote> on 40 units.');
      expect(call.title).toBeTruthy();

      const duplicate = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, jane, 'Contact', 'Jane Smith')).expect(200);
      expect(duplicate.body.successful).toBe(false);
      expect(fake.requestsTo('POST', PHONE_CALLS)).toHaveLength(1);

      const lookup = await t.http
        .get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101&requireDetails=true`)
        .set(auth())
        .expect(200);
      expectResponseMatchesContract('get', '/callLog', lookup);
      expect(lookup.body.logs[0]).toMatchObject({ matched: true, logId: created.body.logId });
      expect(lookup.body.logs[0].logData.fullBody).toContain('40 units');

      fake.reset();
      const updated = await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'They accepted the quote.', additionalSubmission: { salesorder: order.id } })
        .expect(200);
      expectResponseMatchesContract('patch', '/callLog', updated);
      const patches = fake.requestsTo('PATCH', PHONE_CALL);
      expect(patches).toHaveLength(1);
      expect(call.message).toContain('They accepted the quote.');
      expect(call.transaction).toBe(order.id);
    });

    it('files a call with a customer as the phone call company, with the chosen opportunity', async () => {
      const created = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), carla, 'Customer', 'Carla Customer', { additionalSubmission: { opportunity: deal.id } }))
        .expect(200);
      const call = fake.phoneCalls.get(created.body.logId)!;
      expect(call).toMatchObject({ company: carla.id, transaction: deal.id });
      expect(call.contact).toBeUndefined();
      // A customer needs no contact read.
      expect(fake.requestsTo('GET', /\/record\/v1\/contact\//)).toHaveLength(0);
    });

    it('passes NetSuite reason through for a sales order that does not exist', async () => {
      const response = await t.http
        .post('/callLog')
        .set(auth())
        .send(callBody(newSessionId(), jane, 'Contact', 'Jane Smith', { additionalSubmission: { salesorder: '999999' } }))
        .expect(200);
      expect(response.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringContaining("sub-resource field 'transaction'") } });
    });

    it('waits out a 429 with Retry-After, then logs the call once', async () => {
      fake.failNext({
        status: 429,
        method: 'POST',
        path: PHONE_CALLS,
        headers: { 'retry-after': '1' },
        body: { title: 'Too Many Requests', status: 429, 'o:errorDetails': [{ detail: 'Request limit exceeded.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }] },
      });
      const before = fake.phoneCalls.size;
      const startedAt = Date.now();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(newSessionId(), bob, 'Contact', 'Bob Jones')).expect(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      expect(response.body.successful).toBe(true);
      expect(fake.requestsTo('POST', PHONE_CALLS)).toHaveLength(2);
      expect(fake.phoneCalls.size).toBe(before + 1);
    });

    it('reconciles a create whose answer was lost: the worker finds the phone call by its external id instead of creating another', async () => {
      const sessionId = newSessionId();
      fake.slowNext({ ms: 2600, method: 'POST', path: PHONE_CALLS });
      const before = fake.phoneCalls.size;
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, bob, 'Contact', 'Bob Jones')).expect(200);
      // NetSuite made it; we did not hear back, and the POST was not repeated.
      expect(response.body.returnMessage).toMatchObject({ messageType: 'warning' });
      expect(fake.phoneCalls.size).toBe(before + 1);
      expect(fake.requestsTo('POST', PHONE_CALLS)).toHaveLength(1);

      // The worker (ours here, or the app's own poller if it comes first) reconciles the write.
      const lookup = () => t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`).set(auth());
      for (let attempt = 0; attempt < 40 && !(await lookup()).body.logs[0]?.logId; attempt++) {
        await t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(fake.phoneCalls.size).toBe(before + 1);
      expect(fake.requestsTo('POST', PHONE_CALLS)).toHaveLength(1);
      expect(fake.suiteQlQueries().some((q) => /FROM phonecall WHERE externalid = /.test(q))).toBe(true);
      const made = [...fake.phoneCalls.values()].at(-1)!;
      const seen = await lookup().expect(200);
      expect(seen.body.logs[0]).toMatchObject({ matched: true, logId: made.id });
    });
  });

  describe('message logging', () => {
    const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
    const ME = { phoneNumber: '+16505550199', name: 'Nina Sales' };
    let conversation = 880000;
    const message = (id: number, at: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'SMS',
      direction: id % 2 ? 'Inbound' : 'Outbound',
      from: id % 2 ? JANE : ME,
      to: [id % 2 ? ME : JANE],
      subject: `text number ${id}`,
      creationTime: at,
      conversationId: conversation,
      ...extra,
    });
    const messageLog = (messages: unknown[]) => ({
      contactId: jane.id,
      contactName: 'Jane Smith',
      contactType: 'Contact',
      logInfo: { conversationId: conversation, correspondents: [JANE], messages },
    });
    const post = (body: object) => t.http.post('/messageLog').set(auth()).send(body);
    // 03:00 UTC is noon in Tokyo: the user's day is the UTC day.
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 5, day, 3, minute)).toISOString();

    beforeEach(() => {
      conversation++;
    });

    it('creates an SMS phone call, updates it the same day, starts another the next day, and skips a re-send', async () => {
      const first = await post(messageLog([message(1, at(24, 1))])).expect(200);
      expectResponseMatchesContract('post', '/messageLog', first);
      const [create] = fake.requestsTo('POST', PHONE_CALLS);
      expect(create.body).toMatchObject({ status: 'COMPLETE', startDate: '2026-06-24', contact: { id: jane.id }, company: { id: acme.id }, externalId: expect.any(String) });
      const digest = [...fake.phoneCalls.values()].at(-1)!;
      expect(digest.message).toContain('text number 1');

      fake.reset();
      await post(messageLog([message(2, at(24, 2)), message(3, at(24, 3))])).expect(200);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /services/rest/record/v1/phoneCall/${digest.id}`]);
      for (const id of [1, 2, 3]) expect(digest.message).toContain(`text number ${id}`);

      fake.reset();
      await post(messageLog([message(5, at(25, 1))])).expect(200);
      expect(fake.requestsTo('POST', PHONE_CALLS)).toHaveLength(1);
      const next = [...fake.phoneCalls.values()].at(-1)!;
      expect(next.id).not.toBe(digest.id);
      expect(next.startDate).toBe('2026-06-25');
      expect(next.message).not.toContain('text number 1');

      fake.reset();
      const resend = await post(messageLog([message(5, at(25, 1)), message(3, at(24, 3))])).expect(200);
      expect(resend.body).toMatchObject({ successful: true, logIds: [] });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('session renewal', () => {
    it('renews an expired access token through the refresh token, once, and repeats the request', async () => {
      const login = await oauthLogin(oscar.id);
      const jwt = login.body.jwtToken as string;
      fake.reset();
      fake.expireAccessTokens();
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt)).expect(200);
      expect(response.body.successful).toBe(true);
      const refreshes = fake.requestsTo('POST', TOKEN);
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: expect.stringMatching(/^ns-rt-/) });
      expect(refreshes[0].headers.authorization).toMatch(/^Basic /);

      // NetSuite sends no new refresh token: the stored one keeps working for the next renewal.
      fake.reset();
      fake.expireAccessTokens();
      await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(jwt)).expect(200);
      expect(fake.requestsTo('POST', TOKEN)).toHaveLength(1);
    });

    it('answers 401 CRM_SESSION_REVOKED when NetSuite refuses the refresh token', async () => {
      const login = await oauthLogin(oscar.id);
      fake.revokeRefreshTokensOf(oscar.id);
      fake.expireAccessTokens();
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(login.body.jwtToken));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ errorCode: 'CRM_SESSION_REVOKED' });
      expect(response.body.returnMessage.message).toMatch(/NetSuite refused to renew the session/);
      // The user whose refresh token still works is unaffected.
      const login2 = await oauthLogin(nina.id);
      token = login2.body.jwtToken;
    });
  });

  describe('logout', () => {
    it('revokes the access token at NetSuite with the client credentials, and forgets the session', async () => {
      const login = await oauthLogin(oscar.id);
      fake.reset();
      await t.http.post('/unAuthorize').set(auth(login.body.jwtToken)).expect(200);
      const [revoke, ...others] = fake.requestsTo('POST', /\/oauth2\/v1\/revoke$/);
      expect(others).toHaveLength(0);
      expect(revoke.headers.authorization).toMatch(/^Basic /);
      expect(revoke.body).toEqual({ token: expect.stringMatching(/^ns-at-/) });
      expect(fake.accessTokens.has((revoke.body as { token: string }).token)).toBe(false);
      await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth(login.body.jwtToken)).expect(401);
    });
  });

  describe('connector methods the core calls without a route of ours', () => {
    it('finds a phone call by its external id, and nothing for another key; refuses a key that could reach the query unescaped', async () => {
      const connector = t.get(NetSuiteConnector);
      const callsBefore = fake.phoneCalls.size;
      const user = (await t.get(UsersRepository).findById(`netsuite-${nina.id}-1234567-sb1`))!;
      const accessToken = [...fake.accessTokens.entries()].find(([, entity]) => entity === nina.id)![0];
      const context = {
        user: { id: user.id, platform: 'netsuite', crmUserId: user.crmUserId, name: user.name, hostname: user.hostname, timezone: user.timezone, platformAdditionalInfo: user.platformAdditionalInfo },
        authHeader: `Bearer ${accessToken}`,
      };
      const created = await connector.createCallLog({
        ...context,
        contactInfo: { id: bob.id, name: 'Bob Jones', type: 'Contact' },
        callLog: { sessionId: 's-direct', direction: 'Inbound', startTime: '2026-06-24T02:30:00.000Z', duration: 30 },
        composedLogDetails: 'Call body',
        subject: 'Call from Bob',
        idempotencyKey: 'key-direct-1',
      });
      expect(fake.phoneCalls.size).toBe(callsBefore + 1);
      expect(fake.phoneCalls.get(created.logId!)?.externalId).toBe('key-direct-1');
      const lookup = (idempotencyKey: string) =>
        connector.findLogByIdempotencyKey({ ...context, kind: 'call', idempotencyKey, contactInfo: { id: bob.id, name: 'Bob Jones' }, since: new Date().toISOString() });
      await expect(lookup('key-direct-1')).resolves.toEqual({ logId: created.logId });
      await expect(lookup('key-other')).resolves.toEqual({});
      await expect(lookup("x' OR '1'='1")).rejects.toMatchObject({ details: { fields: ['idempotencyKey'] } });
    });
  });
});
