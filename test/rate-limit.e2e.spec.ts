import 'reflect-metadata';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('rate limits (e2e)', () => {
  let t: TestApp;

  afterEach(async () => {
    await t?.close();
  });

  it('limits login attempts per client address with 429 and Retry-After, other routes unaffected', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_CLIENT: '3', RATE_LIMIT_PER_CLIENT: '100', RATE_LIMIT_PER_USER: '100' } });
    for (let i = 0; i < 3; i++) {
      await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: `wrong-${i}` }).expect(400);
    }
    const refused = await t.http.post('/apiKeyLogin').send({ platform: 'local', apiKey: 'demo' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ successful: false, returnMessage: { messageType: 'danger' } });
    // The right key does not get through either: that is the point against guessing.
    expect(refused.body.jwtToken).toBeUndefined();
    await t.http.get('/crmManifest').expect(200);
  });

  it('limits each signed-in user across routes, and each client address', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_USER: '4', RATE_LIMIT_PER_CLIENT: '9', RATE_LIMIT_LOGIN_PER_CLIENT: '0' } });
    const alice = await t.login('local', 'demo');
    const bob = await t.login('local', 'second');
    const as = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
    // 2 logins so far; 4 requests for Alice over two routes.
    await t.http.get('/user/settings').set(as(alice)).expect(200);
    await t.http.get('/contact?phoneNumber=%2B14155550100').set(as(alice)).expect(200);
    await t.http.get('/user/settings').set(as(alice)).expect(200);
    await t.http.get('/contact?phoneNumber=%2B14155550100').set(as(alice)).expect(200);
    const aliceOver = await t.http.get('/user/settings').set(as(alice));
    expect(aliceOver.status).toBe(429);
    expect(aliceOver.headers['retry-after']).toMatch(/^\d+$/);
    // Bob has his own budget: 7 requests from this address so far, 2 more fit.
    await t.http.get('/user/settings').set(as(bob)).expect(200);
    await t.http.get('/user/settings').set(as(bob)).expect(200);
    const addressOver = await t.http.get('/crmManifest');
    expect(addressOver.status).toBe(429);
    expect(addressOver.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('does not let a forged token spend a real user\'s budget', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_USER: '2', RATE_LIMIT_PER_CLIENT: '0', RATE_LIMIT_LOGIN_PER_CLIENT: '0' } });
    const alice = await t.login('local', 'demo');
    const [header, payload] = alice.split('.');
    const forged = `${header}.${payload}.not-the-signature`;
    // A token that does not verify is counted against its sender's address, not against the `sub` it claims.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http.get('/user/settings').set('Authorization', `Bearer ${forged}`)).status);
    expect(statuses).toEqual([401, 401, 429, 429, 429]);
    await t.http.get('/user/settings').set('Authorization', `Bearer ${alice}`).expect(200);
    await t.http.get('/user/settings').set('Authorization', `Bearer ${alice}`).expect(200);
    await t.http.get('/user/settings').set('Authorization', `Bearer ${alice}`).expect(429);
  });
});
