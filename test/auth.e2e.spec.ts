import { JwtService } from '@nestjs/jwt';
import { createTestApp, TEST_SECRET, type TestApp } from './support/test-app.js';

describe('sessions (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in to the local CRM and answers the App Connect login envelope', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: 'demo' }).expect(200);
    expect(response.body).toMatchObject({
      jwtToken: expect.any(String),
      name: 'Demo User',
      returnMessage: { messageType: 'success' },
    });
  });

  it('accepts the JWT as a Bearer header and as ?jwtToken=', async () => {
    const token = await t.login();
    const bearer = await t.http.post('/unAuthorize').set('Authorization', `Bearer ${token}`);
    expect(bearer.status).toBe(200);
    const again = await t.login();
    const query = await t.http.post(`/unAuthorize?jwtToken=${encodeURIComponent(again)}`);
    expect(query.status).toBe(200);
    expect(query.body).toMatchObject({ successful: true });
  });

  it.each([
    ['no token', undefined, /Missing session token/],
    ['a garbage token', 'Bearer not-a-jwt', /Invalid session token/],
    ['a malformed header', 'Token abc', /Malformed Authorization header/],
  ])('answers 401 for %s', async (_case, header, message) => {
    const call = t.http.post('/unAuthorize');
    if (header) call.set('Authorization', header);
    const response = await call;
    expect(response.status).toBe(401);
    expect(response.body.returnMessage.message).toMatch(message);
  });

  it('answers 401 for an expired token', async () => {
    const token = await t.login();
    const { sub, platform, sv } = new JwtService().decode(token) as Record<string, unknown>;
    const expired = new JwtService().sign(
      { sub, platform, sv, exp: Math.floor(Date.now() / 1000) - 60 },
      { secret: TEST_SECRET },
    );
    const response = await t.http.post('/unAuthorize').set('Authorization', `Bearer ${expired}`);
    expect(response.status).toBe(401);
    expect(response.body.returnMessage.message).toMatch(/expired/);
  });

  it('answers 401 for a token signed with another secret', async () => {
    const forged = new JwtService().sign({ sub: 'local-x', platform: 'local', sv: 1 }, { secret: 'other' });
    const response = await t.http.post('/unAuthorize').set('Authorization', `Bearer ${forged}`);
    expect(response.status).toBe(401);
  });

  it('revokes every earlier token on /unAuthorize', async () => {
    const token = await t.login('local', 'second');
    await t.http.post('/unAuthorize').set('Authorization', `Bearer ${token}`).expect(200);
    const response = await t.http.post('/unAuthorize').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.body.returnMessage.message).toMatch(/revoked/);
  });

  it('answers 400 naming the field for a bad login body', async () => {
    const missing = await t.http.post('/apiKeyLogin').send({ apiKey: 'demo' });
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toContain('platform');
    expect(missing.body.message).toMatch(/platform/);

    const wrongType = await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.fields).toContain('apiKey');
  });

  it('answers 400 naming an unknown platform', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'nosuchcrm', apiKey: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/nosuchcrm/);
  });

  it('answers 400 with the CRM reason for a key the CRM rejects', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: 'wrong' });
    expect(response.status).toBe(400);
    expect(response.body.returnMessage).toMatchObject({ messageType: 'danger', message: expect.stringMatching(/API key/) });
  });

  it('never stores the API key in clear', async () => {
    await t.login('local', 'demo');
    const { UsersRepository } = await import('../src/persistence/repositories/users.repository.js');
    const users = t.get(UsersRepository);
    const { createHash } = await import('node:crypto');
    const id = `local-${createHash('sha256').update('demo').digest('hex').slice(0, 16)}`;
    const user = await users.findById(id);
    expect(user?.credentials).toBeTruthy();
    expect(user?.credentials).not.toContain('demo');
  });

  it('rejects a malformed JSON body with 400, not 500', async () => {
    const response = await t.http
      .post('/apiKeyLogin')
      .set('Content-Type', 'application/json')
      .send('{"platform": ');
    expect(response.status).toBe(400);
  });
});

describe('manifest, health and docs (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /isAlive answers OK', async () => {
    const response = await t.http.get('/isAlive').expect(200);
    expect(response.text).toBe('OK');
  });

  it('GET /crmManifest lists local with auth type, log format and additional fields', async () => {
    const response = await t.http.get('/crmManifest').expect(200);
    expect(response.body.platforms.local).toMatchObject({
      name: 'local',
      auth: { type: 'apiKey' },
      logFormat: 'text/plain',
      page: {
        callLog: { additionalFields: expect.any(Array) },
        messageLog: { additionalFields: expect.any(Array) },
      },
    });
  });

  it('GET /crmManifest?platformName= narrows to one platform, 400 for an unknown one', async () => {
    const one = await t.http.get('/crmManifest?platformName=local').expect(200);
    expect(Object.keys(one.body.platforms)).toEqual(['local']);
    const unknown = await t.http.get('/crmManifest?platformName=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/nope/);
  });

  it('serves the OpenAPI document with both session schemes', async () => {
    const response = await t.http.get('/docs-json').expect(200);
    expect(response.body.components.securitySchemes).toMatchObject({
      userJwt: { type: 'http', scheme: 'bearer' },
      legacyUserJwt: { type: 'apiKey', in: 'query', name: 'jwtToken' },
    });
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/apiKeyLogin', '/unAuthorize', '/crmManifest', '/isAlive', '/oauth-callback']),
    );
    const ui = await t.http.get('/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });
});
