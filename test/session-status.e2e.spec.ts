import 'reflect-metadata';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('session status routes on the local CRM (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /authValidation: a local session that resolves is valid', async () => {
    const token = await t.login();
    const res = await t.http.get('/authValidation').set('Authorization', `Bearer ${token}`).expect(200);
    expectResponseMatchesContract('GET', '/authValidation', res);
    expect(res.body).toMatchObject({ successful: true, returnMessage: { messageType: 'success' } });
  });

  it('GET /authValidation also takes the legacy ?jwtToken=, and refuses a logged-out session', async () => {
    const token = await t.login();
    await t.http.get(`/authValidation?jwtToken=${encodeURIComponent(token)}`).expect(200);
    await t.http.post('/unAuthorize').set('Authorization', `Bearer ${token}`).expect(200);
    const res = await t.http.get('/authValidation').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ successful: false, errorCode: 'CRM_SESSION_REVOKED', returnMessage: { message: expect.stringMatching(/connect to the CRM again/) } });
  });

  it('GET /licenseStatus: nothing is gated, so the user is licensed', async () => {
    const token = await t.login();
    const res = await t.http.get('/licenseStatus').set('Authorization', `Bearer ${token}`).expect(200);
    expectResponseMatchesContract('GET', '/licenseStatus', res);
    expect(res.body).toEqual({ isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' });
  });

  it('GET /hostname: plain text, empty for a local user', async () => {
    const token = await t.login();
    const res = await t.http.get('/hostname').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expectResponseMatchesContract('GET', '/hostname', res);
    expect(res.text).toBe('');
  });

  it.each(['/authValidation', '/licenseStatus', '/hostname'])('%s needs a session', async (path) => {
    const res = await t.http.get(path);
    expect(res.status).toBe(401);
    expect(res.body.returnMessage.message).toMatch(/Missing session token/);
  });

  it('documents them in /docs with the contract operationIds and both session schemes', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    for (const [path, operationId] of [
      ['/authValidation', 'getAuthValidation'],
      ['/licenseStatus', 'getLicenseStatus'],
      ['/hostname', 'getHostname'],
    ]) {
      expect(res.body.paths[path]?.get?.operationId, path).toBe(operationId);
      expect(res.body.paths[path].get.security).toEqual(expect.arrayContaining([{ userJwt: [] }, { legacyUserJwt: [] }]));
    }
    const hostname = res.body.paths['/hostname'].get.responses;
    expect(Object.keys(hostname['200'].content)).toEqual(['text/plain']);
    expect(Object.keys(hostname['401'].content)).toEqual(['application/json']);
  });
});
