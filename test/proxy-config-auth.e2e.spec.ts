import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { FakeFreshdeskServer } from './fakes/fake-freshdesk.server.js';
import { FakeHubSpotServer } from './fakes/fake-hubspot.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

type Config = { meta: Record<string, unknown>; auth: Record<string, any>; requestDefaults: Record<string, any>; operations: Record<string, any> };
const shipped = (name: string): Config => JSON.parse(readFileSync(new URL(`../connectors/${name}.json`, import.meta.url), 'utf8'));

function configDir(configs: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-auth-'));
  for (const [file, config] of Object.entries(configs)) writeFileSync(join(dir, file), JSON.stringify(config));
  return dir;
}

/** Every log line the app writes, as text. */
function logCapture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** What the app's SQLite files hold, as text (nothing under PostgreSQL). */
const databaseText = (t: TestApp): string => {
  const file = t.database.DATABASE_URL.replace(/^sqlite:/, '');
  if (usesPostgres()) return '';
  return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
};

// One capture for the file: Nest's static logger keeps writing where the first app pointed it.
const log = logCapture();

describe('proxy configs: {{secretKey}} from the deployment (e2e, fake Freshdesk)', () => {
  const SECRET = 'deployment-secret-5b1f0c9e7d';
  const API_KEY = 'fd-secret-test-key';
  let fake: FakeFreshdeskServer;
  let t: TestApp;

  const withSecretHeader = (meta: Record<string, unknown> = {}) => {
    const config = shipped('freshdesk');
    config.meta = { ...config.meta, ...meta };
    config.requestDefaults.baseUrl = `${fake.url}/api/v2`;
    config.requestDefaults.defaultHeaders = { ...config.requestDefaults.defaultHeaders, 'X-Connector-Secret': '{{secretKey}}' };
    return config;
  };

  beforeAll(async () => {
    fake = await FakeFreshdeskServer.start();
    fake.agents.set(API_KEY, { id: 5, name: 'Sid Secret', email: 'sid@acme.example' });
    fake.addContact({ name: 'Jane Smith', phone: '+14155550100' });
    t = await createTestApp({
      env: { CONNECTOR_CONFIG_DIR: configDir({ 'freshdesk.json': withSecretHeader({ secretKeyEnv: 'KIT_FRESHDESK_SECRET' }) }), KIT_FRESHDESK_SECRET: SECRET, LOG_LEVEL: 'debug', CRM_HTTP_MAX_RETRIES: '0' },
      logStream: log.stream,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('sends the secret on every request and keeps it out of logs, answers and the database', async () => {
    const login = await t.http.post('/apiKeyLogin').send({ platform: 'freshdesk', apiKey: API_KEY, hostname: 'acme.freshdesk.com' }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.jwtToken}` };
    const found = await t.http.get('/contact?phoneNumber=%2B14155550100').set(auth).expect(200);
    expectResponseMatchesContract('get', '/contact', found);
    // A failing request is logged with its path: the secret is not in it.
    fake.failNext({ status: 503, method: 'GET', path: /\/contacts$/ });
    const failed = await t.http.get('/contact?phoneNumber=%2B14155550101').set(auth);
    expect(fake.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of fake.requests) expect(request.headers['x-connector-secret']).toBe(SECRET);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.text()).toContain('failed with HTTP 503');
    for (const text of [log.text(), JSON.stringify([login.body, found.body, failed.body]), databaseText(t)]) expect(text).not.toContain(SECRET);
  });

  it('stops the start, naming the file, the place and the variable, while the secret is not set', async () => {
    // No secretKeyEnv: the variable is named after meta.name, so an App Connect config works unchanged.
    const dir = configDir({ 'with-secret.json': withSecretHeader({ name: 'freshdeskSecret' }) });
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(
      /with-secret\.json[\s\S]*\/requestDefaults\/defaultHeaders\/X-Connector-Secret: uses \{\{secretKey\}\}, but FRESHDESK_SECRET_SECRET_KEY is not set/,
    );
    const started = await createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir, FRESHDESK_SECRET_SECRET_KEY: 'secret-by-default-name' } });
    try {
      const before = fake.requests.length;
      await started.http.post('/apiKeyLogin').send({ platform: 'freshdeskSecret', apiKey: API_KEY, hostname: 'acme.freshdesk.com' }).expect(200);
      expect(fake.requests.slice(before).map((r) => r.headers['x-connector-secret'])).toEqual(['secret-by-default-name']);
    } finally {
      await started.close();
    }
  });
});

describe('config-defined connectors at start: each kind of mistake names the file and the path', () => {
  const broken = (change: (config: Config) => void) => {
    const config = shipped('freshdesk');
    change(config);
    return configDir({ 'broken.json': config });
  };

  it('an unknown operation', async () => {
    const dir = broken((c) => (c.operations.createCallLogg = { url: '/tickets' }));
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(/broken\.json[\s\S]*\/operations\/createCallLogg: not an operation this server knows/);
  });

  it('a bad template', async () => {
    const dir = broken((c) => (c.operations.createCallLog.body.subject = '{{subject'));
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(/broken\.json[\s\S]*\/operations\/createCallLog\/body\/subject: malformed placeholder/);
  });

  it('a missing mapping path', async () => {
    const dir = broken((c) => delete c.operations.findContact.responseMapping.item.idPath);
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(/broken\.json[\s\S]*\/operations\/findContact\/responseMapping\/item: must have idPath/);
  });

  it('an OAuth config that does not say where users sign in', async () => {
    const dir = broken((c) => (c.auth = { type: 'oauth' }));
    await expect(createTestApp({ env: { CONNECTOR_CONFIG_DIR: dir } })).rejects.toThrow(/broken\.json[\s\S]*\/auth: must have oauth/);
  });
});

describe('proxy configs with OAuth: the shipped HubSpot config (e2e, fake HubSpot)', () => {
  const REDIRECT_URI = 'https://app.example.com/hubspot/oauth';
  let fake: FakeHubSpotServer;
  let t: TestApp;

  const pointedAtFake = () => {
    const config = shipped('hubspot');
    config.requestDefaults.baseUrl = fake.url;
    config.auth.oauth.tokenUrl = `${fake.url}/oauth/v1/token`;
    return config;
  };

  beforeAll(async () => {
    fake = await FakeHubSpotServer.start();
    fake.addUser({ user_id: 7, user: 'olga@example.com' });
    t = await createTestApp({
      env: {
        CONNECTOR_CONFIG_DIR: configDir({ 'hubspot.json': pointedAtFake() }),
        HUBSPOT_CLIENT_ID: fake.clientId,
        HUBSPOT_CLIENT_SECRET: fake.clientSecret,
        HUBSPOT_REDIRECT_URI: REDIRECT_URI,
        LOG_LEVEL: 'debug',
        CRM_HTTP_MAX_RETRIES: '0',
      },
      logStream: log.stream,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('publishes the authorization URL, client id, redirect URI and scope, never the secret', async () => {
    const manifest = await t.http.get('/crmManifest?platformName=hubspot').expect(200);
    expect(manifest.body.platforms.hubspot).toMatchObject({
      auth: {
        type: 'oauth',
        oauth: {
          authUrl: 'https://app.hubspot.com/oauth/authorize',
          clientId: fake.clientId,
          redirectUri: REDIRECT_URI,
          scope: 'scope=crm.objects.contacts.read%20crm.objects.contacts.write',
        },
      },
    });
    expect(JSON.stringify(manifest.body)).not.toContain(fake.clientSecret);
  });

  it('exchanges the code with the client from the environment, then reads the token info; tokens stay out of answers and logs', async () => {
    const code = fake.issueAuthorizationCode(7);
    const response = await t.http.get('/oauth-callback').query({ state: 'platform=hubspot', code }).expect(200);
    expect(response.body).toMatchObject({ jwtToken: expect.any(String), name: 'olga@example.com' });
    const [exchange, info] = fake.requests.slice(-2);
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/oauth/v1/token',
      body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: fake.clientId, client_secret: fake.clientSecret },
    });
    expect(info!.path).toMatch(/^\/oauth\/v1\/access-tokens\/hs-at-/);
    expect(JSON.stringify(response.body)).not.toMatch(/hs-(at|rt)-/);

    // A failed token lookup is logged with its path, the token redacted.
    fake.expireAccessTokens();
    const again = fake.issueAuthorizationCode(7);
    fake.failNext({ status: 503, method: 'GET', path: /^\/oauth\/v1\/access-tokens\// });
    await t.http.get('/oauth-callback').query({ state: 'platform=hubspot', code: again });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.text()).toContain('/oauth/v1/access-tokens/[redacted]');
    expect(log.text()).not.toMatch(/hs-(at|rt)-/);
  });

  it('answers a refused code as a refused sign-in with HubSpot\'s reason', async () => {
    const response = await t.http.get('/oauth-callback').query({ state: 'platform=hubspot', code: 'stale-code' }).expect(400);
    expect(response.body).toMatchObject({ successful: false, errorCode: 'CRM_LOGIN_REJECTED' });
    expect(response.body.returnMessage.message).toMatch(/HubSpot refused the sign-in: .*unknown auth code/);
  });

  it('refuses /apiKeyLogin: the config signs in with OAuth', async () => {
    const response = await t.http.post('/apiKeyLogin').send({ platform: 'hubspot', apiKey: 'x' }).expect(400);
    expect(response.body.fields).toEqual(['platform']);
  });

  it('without its client variables, loads but offers no sign-in', async () => {
    const bare = await createTestApp({ env: { CONNECTOR_CONFIG_DIR: configDir({ 'hubspot.json': pointedAtFake() }) } });
    try {
      const manifest = await bare.http.get('/crmManifest').expect(200);
      expect(manifest.body.platforms.hubspot?.auth?.oauth).toBeUndefined();
    } finally {
      await bare.close();
    }
  });
});
