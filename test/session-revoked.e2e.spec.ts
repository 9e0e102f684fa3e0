import 'reflect-metadata';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('a session whose CRM authorization is gone (e2e, fake Pipedrive)', () => {
  let fake: FakePipedriveServer;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    t = await createTestApp({
      env: fake.env(),
    });
    fake.addUser({ id: 12, name: 'Oscar OAuth' });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const oauthLogin = async () => {
    const code = fake.issueAuthorizationCode(12);
    const response = await t.http.get('/oauth-callback').query({ state: 'platform=pipedrive', code }).expect(200);
    return response.body.jwtToken as string;
  };

  it('answers 401 CRM_SESSION_REVOKED when Pipedrive refuses to renew the tokens', async () => {
    const jwt = await oauthLogin();
    fake.expireAccessTokens();
    fake.refreshTokens.clear();
    const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set('Authorization', `Bearer ${jwt}`);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ successful: false, errorCode: 'CRM_SESSION_REVOKED' });
    expect(response.body.returnMessage.message).toMatch(/Pipedrive refused to renew the session.*log in again/);
  });

  it('answers 401 CRM_SESSION_REVOKED for a token issued before a logout', async () => {
    const jwt = await oauthLogin();
    await t.http.post('/unAuthorize').set('Authorization', `Bearer ${jwt}`).expect(200);
    const response = await t.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send({});
    expect(response.status).toBe(401);
    expect(response.body.errorCode).toBe('CRM_SESSION_REVOKED');
  });

  it('keeps an invalid or expired JWT a plain SESSION_INVALID 401', async () => {
    const response = await t.http.get('/user/settings').set('Authorization', 'Bearer not-a-jwt');
    expect(response.status).toBe(401);
    expect(response.body.errorCode).toBe('SESSION_INVALID');
  });
});
