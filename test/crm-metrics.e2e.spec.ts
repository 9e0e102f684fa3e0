import 'reflect-metadata';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { callBody, messageLogBody, newSessionId } from './support/console-fixtures.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'pd-api-token-metrics-0123456789';

/** One sample line of the scrape, e.g. `name{a="b"} 3`; undefined when absent. */
const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('CRM and outbox metrics (e2e)', () => {
  let pipedrive: FakePipedriveServer;
  let crm: CountingCrm;
  let t: TestApp;

  beforeAll(async () => {
    pipedrive = await FakePipedriveServer.start();
    pipedrive.addUser({ id: 31, name: 'Mia Metrics' }, TOKEN);
    crm = new CountingCrm();
    t = await createTestApp({
      imports: [CountingCrmModule.register(crm)],
      env: { ...pipedrive.env(), CRM_HTTP_MAX_RETRIES: '2', CONTACT_CACHE_TTL_SECONDS: '0', OUTBOX_POLL_MS: '3600000', OUTBOX_MAX_ATTEMPTS: '2' },
    });
  });
  afterAll(async () => {
    await t.close();
    await pipedrive.close();
  });

  it('counts CRM requests by connector, operation (ids replaced) and status, with durations and the 429s drawn', async () => {
    const jwt = await t.login('pipedrive', TOKEN, { hostname: 'acme.pipedrive.com' });
    const person = pipedrive.addPerson({ name: 'Rita Rate', phones: ['+14155550166'] });
    // One 429 with a short Retry-After, then the lookup goes through.
    pipedrive.failNext({ status: 429, headers: { 'retry-after': '0' }, method: 'GET', path: /^\/api\/v2\/persons\/\d+$/ });
    await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send(callBody(newSessionId(), { contactId: String(person.id), contactName: person.name }))
      .expect(200);
    await pipedrive.refuseConnections();
    await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send(callBody(newSessionId(), { contactId: String(person.id), contactName: person.name }))
      .expect(200);
    await pipedrive.acceptConnections();

    const text = (await t.http.get('/metrics').expect(200)).text;
    const name = 'app_connect_crm_request_duration_seconds_count';
    expect(sample(text, name, 'connector="pipedrive",operation="GET /api/v1/users/me",status="200"')).toBe(1);
    expect(sample(text, name, 'connector="pipedrive",operation="GET /api/v2/persons/:id",status="200"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, name, 'connector="pipedrive",operation="POST /api/v2/activities",status="200"')).toBe(1);
    expect(sample(text, name, 'connector="pipedrive",operation="POST /api/v2/activities",status="network_error"')).toBe(1);
    expect(text).toMatch(/app_connect_crm_request_duration_seconds_bucket\{le="[\d.]+",connector="pipedrive",operation="POST \/api\/v2\/activities",status="200"\}/);
    expect(sample(text, 'app_connect_crm_rate_limited_total', 'connector="pipedrive",operation="GET /api/v2/persons/:id"')).toBe(1);
    // Never an id, a phone number or a token in a label.
    expect(text).not.toContain(String(person.id) + '"');
    expect(text).not.toContain('4155550166');
    expect(text).not.toContain(TOKEN);
  });

  it('counts delivered and failed outbox writes by kind and reason, and waits for a target lock', async () => {
    const jwt = await t.login('counting', 'any-key');
    await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(901, 'one')).expect(200);
    // Requests for the same digest at once: the first goes to the CRM, the others queue behind
    // it, and all but one of those wait for their turn on this instance's lock of the target.
    crm.delayMs = 100;
    await Promise.all(
      [902, 903, 905, 906].map((id) => t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(id, `m${id}`))),
    );
    crm.delayMs = 0;
    // Out of attempts (OUTBOX_MAX_ATTEMPTS=2): parked as failed.
    crm.failures = 2;
    await t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(messageLogBody(904, 'four')).expect(200);
    await t.get(OutboxWorker).runOnce(Date.now() + 3_600_000);

    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(text, 'app_connect_outbox_delivered_total', 'kind="digest"')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'app_connect_outbox_failed_total', 'kind="digest",reason="max_attempts"')).toBe(1);
    expect(sample(text, 'app_connect_lock_wait_seconds_count', 'lock="outbox_target"')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE app_connect_lock_wait_seconds histogram');
  });
});
