import 'reflect-metadata';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { manifestProblems } from './support/manifest-rules.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'pd-api-token-carol-0123456789';
const REDIRECT_URI = 'https://app.example.com/pipedrive/oauth';
const USERS_ME = /^\/api\/v1\/users\/me$/;

describe('Pipedrive session status: /authValidation, /hostname (e2e, fake Pipedrive)', () => {
  let fake: FakePipedriveServer;
  let t: TestApp;

  const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    t = await createTestApp({
      env: { ...fake.env(REDIRECT_URI), CRM_HTTP_MAX_RETRIES: '1' },
    });
    fake.addUser({ id: 21, name: 'Carol Caller' }, TOKEN);
    fake.addUser({ id: 22, name: 'Olga OAuth' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const oauthLogin = async (): Promise<string> => {
    const code = fake.issueAuthorizationCode(22);
    const callbackUri = `${REDIRECT_URI}?code=${code}&state=${encodeURIComponent('platform=pipedrive')}`;
    const res = await t.http.get('/oauth-callback').query({ callbackUri }).expect(200);
    return res.body.jwtToken as string;
  };

  it('validates an API-token session with one users/me call, token in x-api-token only', async () => {
    const jwt = await t.login('pipedrive', TOKEN, { hostname: 'acme.pipedrive.com' });
    fake.reset();
    const res = await t.http.get('/authValidation').set(bearer(jwt)).expect(200);
    expectResponseMatchesContract('GET', '/authValidation', res);
    expect(res.body).toMatchObject({ successful: true, returnMessage: { messageType: 'success' } });
    expect(fake.requests).toHaveLength(1);
    const [me] = fake.requestsTo('GET', USERS_ME);
    expect(me.headers['x-api-token']).toBe(TOKEN);
    expect(JSON.stringify(me.query)).not.toContain(TOKEN);
  });

  it('answers successful: false with the reason once Pipedrive refuses the token, never the token itself', async () => {
    const revoked = 'pd-api-token-revoked-987654321';
    fake.addUser({ id: 23, name: 'Rita Revoked' }, revoked);
    const jwt = await t.login('pipedrive', revoked);
    fake.apiTokens.delete(revoked);
    const res = await t.http.get('/authValidation').set(bearer(jwt)).expect(200);
    expectResponseMatchesContract('GET', '/authValidation', res);
    expect(res.body.successful).toBe(false);
    expect(res.body.returnMessage).toMatchObject({ messageType: 'warning', message: expect.stringMatching(/connect again/) });
    expect(JSON.stringify(res.body)).not.toContain(revoked);
  });

  it('reports Pipedrive being down as a CRM failure with its reason, not as valid and not as a 500', async () => {
    const jwt = await t.login('pipedrive', TOKEN);
    fake.reset();
    fake.failNext({ status: 503, path: USERS_ME, body: { success: false, error: 'Service under maintenance' } }, 2);
    const res = await t.http.get('/authValidation').set(bearer(jwt));
    expect(res.status).toBe(200);
    expectResponseMatchesContract('GET', '/authValidation', res);
    expect(res.body.successful).toBe(false);
    expect(res.body.returnMessage.message).toMatch(/maintenance/);
    expect(fake.requestsTo('GET', USERS_ME)).toHaveLength(2);
  });

  it('refreshes an OAuth token Pipedrive refused, then answers valid', async () => {
    const jwt = await oauthLogin();
    fake.expireAccessTokens();
    fake.reset();
    const res = await t.http.get('/authValidation').set(bearer(jwt)).expect(200);
    expect(res.body.successful).toBe(true);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/users/me',
      'POST /oauth/token',
      'GET /api/v1/users/me',
    ]);
  });

  it('answers successful: false when the OAuth refresh is refused too', async () => {
    const jwt = await oauthLogin();
    fake.expireAccessTokens();
    fake.refreshTokens.clear();
    const res = await t.http.get('/authValidation').set(bearer(jwt)).expect(200);
    expectResponseMatchesContract('GET', '/authValidation', res);
    expect(res.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringMatching(/log in again/) } });
  });

  it('GET /hostname answers the company host given at sign-in, as plain text', async () => {
    const jwt = await t.login('pipedrive', TOKEN, { hostname: 'acme.pipedrive.com' });
    const res = await t.http.get('/hostname').set(bearer(jwt)).expect(200);
    expectResponseMatchesContract('GET', '/hostname', res);
    expect(res.text).toBe('acme.pipedrive.com');
  });

  it('publishes OAuth sign-in pointing at the configured Pipedrive OAuth server', async () => {
    const res = await t.http.get('/crmManifest?platformName=pipedrive').expect(200);
    expect(manifestProblems(res.body, 'pipedrive')).toEqual([]);
    expect(res.body.platforms.pipedrive.auth.oauth).toEqual({
      authUrl: `${fake.url}/oauth/authorize`,
      clientId: fake.clientId,
      redirectUri: REDIRECT_URI,
    });
    expect(res.text).not.toContain(fake.clientSecret);
  });
});
