import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { callBody, messageLogBody, newSessionId, OPERATOR_TOKEN } from './support/console-fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CONSOLE_CSP } from '../src/console/console.controller.js';

const ORIGIN = 'http://console.test';
const cookieOf = (setCookie: string | string[] | undefined, name: string): string | undefined => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((line) => line.startsWith(`${name}=`));
};

describe('/console (e2e)', () => {
  let crm: CountingCrm;
  let t: TestApp;

  beforeEach(async () => {
    crm = new CountingCrm();
    t = await createTestApp({
      imports: [CountingCrmModule.register(crm)],
      // The worker stays out of the way: the retry button delivers.
      env: { PUBLIC_BASE_URL: ORIGIN, CONSOLE_ADMIN_TOKEN: OPERATOR_TOKEN, OUTBOX_POLL_MS: '3600000', OUTBOX_RETRY_BASE_MS: '3600000', OUTBOX_RETRY_MAX_MS: '3600000', OUTBOX_LEASE_MS: '7200000' },
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const signIn = async (body: Record<string, string>) => {
    const response = await t.http.post('/console/session').set('Origin', ORIGIN).send(body).expect(200);
    const cookie = cookieOf(response.headers['set-cookie'], 'console_session');
    expect(cookie).toMatch(/; Path=\/console; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(JSON.stringify(response.body)).not.toMatch(/eyJ/);
    return cookie!.split(';')[0]!;
  };
  const page = (cookie?: string, path = '/console') => {
    const request = t.http.get(path);
    return cookie ? request.set('Cookie', cookie) : request;
  };

  it('serves the sign-in page with a strict CSP and no inline script', async () => {
    const response = await page().expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.text).toContain('id="sign-in-key"');
    expect(response.text).toContain('id="sign-in-operator"');
    // Every <script> has a src on our origin, and no element has an inline handler.
    expect(response.text.match(/<script[^>]*>/g)).toEqual(['<script src="/console/console.js" defer>']);
    expect(response.text).not.toMatch(/\son\w+=/);
    await t.http.get('/console/console.js').expect(200).expect('content-type', /javascript/);
    await t.http.get('/console/console.css').expect(200).expect('content-type', /css/);
  });

  it('refuses a POST without our Origin (CSRF) and one with both or neither credential', async () => {
    await t.http.post('/console/session').send({ apiKey: 'demo' }).expect(403);
    await t.http.post('/console/session').set('Origin', 'http://evil.test').send({ apiKey: 'demo' }).expect(403);
    const both = await t.http.post('/console/session').set('Origin', ORIGIN).send({ apiKey: 'demo', jwtToken: 'x' }).expect(400);
    expect(both.body.fields).toEqual(['apiKey', 'jwtToken']);
    await t.http.post('/console/session').set('Origin', ORIGIN).send({ apiKey: 'wrong' }).expect(400);
  });

  it('shows a call logged through the API with the body sent to the CRM, escaped, and the local CRM', async () => {
    const jwt = await t.login();
    const sessionId = newSessionId();
    const note = 'Asked about <script>alert("note")</script> & pricing';
    await t.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send(callBody(sessionId, { note })).expect(200);
    await t.get(LocalCrmStore).createContact({ name: '<img src=x onerror=alert(1)>', phoneNumber: '+1 415 555 0199', phoneE164: '+14155550199', type: 'Contact', company: null, email: null });

    const cookie = await signIn({ apiKey: 'demo' });
    const response = await page(cookie).expect(200);
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(response.text).toContain(sessionId);
    expect(response.text).toContain('Asked about &lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; &amp; pricing');
    expect(response.text).not.toContain('<script>alert');
    expect(response.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(response.text).not.toContain('<img');
    // The body is the one the local CRM holds: what the connector was handed.
    const demoOwner = createHash('sha256').update('demo').digest('hex').slice(0, 16);
    const [activity] = (await t.get(LocalCrmStore).listActivities(demoOwner, 'call')).filter(
      (a) => a.details?.sessionId === sessionId,
    );
    const escapedBody = activity!.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    expect(response.text).toContain(`<pre class="body">${escapedBody}</pre>`);
    expect(response.text).toContain('id="local-crm"');
    // No session token, credential or key on the page.
    expect(response.text).not.toContain(jwt);
    expect(response.text).not.toMatch(/eyJ|LocalKey|demo=/);
  });

  it('signs in with a session JWT, shows a queued digest, and its retry delivers it through the outbox', async () => {
    const jwt = await t.login('counting', 'any-key');
    crm.failures = 1;
    crm.failureStatus = 503;
    const queued = await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(71, 'Hello from the outage')).expect(200);
    expect(queued.body.successful).toBe(true);
    expect(crm.writes).toBe(1);

    const cookie = await signIn({ jwtToken: jwt });
    const before = await page(cookie).expect(200);
    expect(before.text).toContain('data-state="pending"');
    expect(before.text).toContain('Counting CRM is down for maintenance');
    const writeKey = /action="\/console\/outbox\/([^/"]+)\/retry"/.exec(before.text)![1]!;

    // Another user's cookie cannot retry it, and neither can a cross-site form.
    const other = await signIn({ apiKey: 'second' });
    const foreign = await t.http.post(`/console/outbox/${writeKey}/retry`).set('Origin', ORIGIN).set('Cookie', other).send({}).expect(200);
    expect(foreign.body.status).toBe('unavailable');
    await t.http.post(`/console/outbox/${writeKey}/retry`).set('Origin', 'http://evil.test').set('Cookie', cookie).send({}).expect(403);

    const retried = await t.http.post(`/console/outbox/${writeKey}/retry`).set('Origin', ORIGIN).set('Cookie', cookie).send({}).expect(200);
    expect(retried.body).toMatchObject({ successful: true, status: 'delivered' });
    expect(crm.writes).toBe(2);
    const after = await page(cookie).expect(200);
    expect(after.text).not.toContain('data-state="pending"');
    expect(after.text).toContain('Hello from the outage');
    expect(after.text).toContain(crm.creates[1]!.composedLogDetails.split('\n')[0]!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('retries a failed write: it goes back in the queue and is delivered', async () => {
    const jwt = await t.login('counting', 'any-key');
    crm.failures = 1;
    crm.failureStatus = 400;
    const refused = await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(72, 'Refused once')).expect(200);
    expect(refused.body.successful).toBe(false);
    // A refusal in the request leaves nothing behind; one in the worker parks the write as failed.
    crm.failures = 2;
    crm.failureStatus = 503;
    await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(73, 'Parked')).expect(200);
    crm.failureStatus = 400;
    const { OutboxWorker } = await import('../src/delivery/outbox-worker.service.js');
    await t.get(OutboxWorker).runOnce(Date.now() + 2 * 3_600_000);
    const cookie = await signIn({ jwtToken: jwt });
    const before = await page(cookie).expect(200);
    expect(before.text).toContain('data-state="failed"');
    const writeKey = /action="\/console\/outbox\/([^/"]+)\/retry"/.exec(before.text)![1]!;
    const retried = await t.http.post(`/console/outbox/${writeKey}/retry`).set('Origin', ORIGIN).set('Cookie', cookie).send({}).expect(200);
    expect(retried.body.status).toBe('delivered');
    expect((await page(cookie)).text).toContain('Parked');
  });

  it('a bad session cookie shows the sign-in page again and clears the cookie', async () => {
    const response = await page('console_session=not-a-jwt').expect(200);
    expect(response.text).toContain('id="sign-in-key"');
    expect(cookieOf(response.headers['set-cookie'], 'console_session')).toMatch(/Max-Age=0/);
  });

  it('opens the operator view with the token only, keeping a proof rather than the token', async () => {
    await t.http.get('/console/operator').expect(401);
    await t.http.post('/console/operator').set('Origin', ORIGIN).send({ token: 'not-the-operator-token-at-all' }).expect(401);
    const response = await t.http.post('/console/operator').set('Origin', ORIGIN).send({ token: OPERATOR_TOKEN }).expect(200);
    const cookie = cookieOf(response.headers['set-cookie'], 'console_operator')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(OPERATOR_TOKEN);

    const jwt = await t.login('counting', 'any-key');
    crm.failures = 1;
    await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(74, 'x')).expect(200);
    const view = await page(cookie.split(';')[0], '/console/operator').expect(200);
    expect(view.headers['content-security-policy']).toBe(CONSOLE_CSP);
    for (const name of ['local', 'counting', 'pipedrive', 'clio', 'bullhorn']) expect(view.text).toContain(`<td>${name}</td>`);
    expect(view.text).toContain('data-state="pending"');
    expect(view.text).toMatch(/<h3>counting<\/h3>\s*<ul><li class="outbox-error">.*Counting CRM is down for maintenance/);
    expect(view.text).not.toContain(OPERATOR_TOKEN);
  });
});

describe('/console operator view off', () => {
  it('has no operator form and refuses the operator sign-in when CONSOLE_ADMIN_TOKEN is unset', async () => {
    const t = await createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
    try {
      expect((await t.http.get('/console').expect(200)).text).not.toContain('sign-in-operator');
      await t.http.post('/console/operator').set('Origin', ORIGIN).send({ token: OPERATOR_TOKEN }).expect(403);
      await t.http.get('/console/operator').expect(401);
    } finally {
      await t.close();
    }
  });
});

describe('/console retry of a failed call create (e2e, fake Pipedrive)', () => {
  it('re-claims the call session the refusal gave back, delivers it, and the call reads as logged', async () => {
    const { FakePipedriveServer } = await import('./fakes/fake-pipedrive.server.js');
    const { OutboxWorker } = await import('../src/delivery/outbox-worker.service.js');
    const pipedrive = await FakePipedriveServer.start();
    const t = await createTestApp({
      env: { ...pipedrive.env(), PUBLIC_BASE_URL: ORIGIN, CRM_HTTP_MAX_RETRIES: '0', CONTACT_CACHE_TTL_SECONDS: '0', OUTBOX_POLL_MS: '3600000' },
    });
    try {
      pipedrive.addUser({ id: 41, name: 'Rae Retry' }, 'pd-api-token-retry-0123456789');
      const person = pipedrive.addPerson({ name: 'Jane Smith', phones: ['+14155550100'] });
      const jwt = await t.login('pipedrive', 'pd-api-token-retry-0123456789', { hostname: 'acme.pipedrive.com' });
      const sessionId = newSessionId();
      await pipedrive.refuseConnections();
      await t.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send(callBody(sessionId, { contactId: String(person.id) })).expect(200);
      await pipedrive.acceptConnections();
      // The worker's attempt is refused for good: parked as failed, the session given back.
      pipedrive.failNext({ status: 400, method: 'POST', path: /^\/api\/v2\/activities$/, body: { success: false, error: 'Bad subject' } });
      await t.get(OutboxWorker).runOnce(Date.now() + 3_600_000);
      const query = `/callLog?sessionIds=${sessionId}&hashedExtensionId=hashed-ext-101`;
      const before = await t.http.get(query).set('Authorization', `Bearer ${jwt}`).expect(200);
      expect(before.body.logs[0].matched).toBe(false);

      const signIn = await t.http.post('/console/session').set('Origin', ORIGIN).send({ jwtToken: jwt }).expect(200);
      const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
      const page = await t.http.get('/console').set('Cookie', cookie).expect(200);
      expect(page.text).toContain('data-state="failed"');
      expect(page.text).toContain('Bad subject');
      const writeKey = /action="\/console\/outbox\/([^/"]+)\/retry"/.exec(page.text)![1]!;
      const retried = await t.http.post(`/console/outbox/${writeKey}/retry`).set('Origin', ORIGIN).set('Cookie', cookie).send({}).expect(200);
      expect(retried.body.status).toBe('delivered');
      const after = await t.http.get(query).set('Authorization', `Bearer ${jwt}`).expect(200);
      expect(after.body.logs[0]).toMatchObject({ matched: true, logId: expect.any(String) });
      expect(pipedrive.activities.size).toBe(1);
    } finally {
      await t.close();
      await pipedrive.close();
    }
  });
});
