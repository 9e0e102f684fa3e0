import { createTestApp, type TestApp } from './support/test-app.js';

describe('HTTP limits (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: '4096' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 and the envelope, and stays up', async () => {
    const response = await t.http
      .post('/apiKeyLogin')
      .send({ platform: 'local', apiKey: 'demo', additionalInfo: { padding: 'x'.repeat(10_000) } });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ successful: false, returnMessage: { messageType: 'danger' } });
    await t.http.get('/isAlive').expect(200);
  });

  it('answers 404 with the envelope for an unknown route', async () => {
    const response = await t.http.get('/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body.successful).toBe(false);
  });
});
