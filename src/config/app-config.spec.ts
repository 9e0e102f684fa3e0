import { loadAppConfig } from './app-config.js';

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ PORT: 6066, DATABASE_URL: 'sqlite:./data/app-connect.sqlite', NODE_ENV: 'development' });
    expect(config.usesDevelopmentSecret).toBe(true);
    expect([...config.localCrmApiKeys.keys()]).toEqual(['demo']);
    expect(config.listenHost).toBe('127.0.0.1');
    expect(config.trustProxy).toBe(false);
    expect(config.CORS_ORIGINS).toEqual(['chrome-extension://*', 'moz-extension://*', 'safari-web-extension://*']);
  });

  it('refuses the public development secrets unless NODE_ENV is explicitly development or test', () => {
    expect(() => loadAppConfig({})).toThrow(/APP_SERVER_SECRET_KEY is required unless NODE_ENV is development or test/);
    expect(() => loadAppConfig({ HASH_KEY: 'h'.repeat(20) })).toThrow(/APP_SERVER_SECRET_KEY is required/);
    expect(() => loadAppConfig({ APP_SERVER_SECRET_KEY: 'x'.repeat(40) })).toThrow(/HASH_KEY is required/);
    expect(() => loadAppConfig({ APP_SERVER_SECRET_KEY: 'short', HASH_KEY: 'h'.repeat(20) })).toThrow(/at least 32/);
    const unset = loadAppConfig({ APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'h'.repeat(20) });
    expect(unset.NODE_ENV).toBeUndefined();
    expect(unset.localCrmApiKeys.size).toBe(0);
    expect(unset.listenHost).toBe('127.0.0.1');
    expect(loadAppConfig({ NODE_ENV: 'test' }).usesDevelopmentSecret).toBe(true);
  });

  it('reads HOST, TRUST_PROXY and CORS_ORIGINS, and refuses bad values', () => {
    const production = { NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'h'.repeat(20) };
    expect(loadAppConfig(production).listenHost).toBe('0.0.0.0');
    expect(loadAppConfig({ ...production, HOST: '10.0.0.5' }).listenHost).toBe('10.0.0.5');
    expect(loadAppConfig({ NODE_ENV: 'test', TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadAppConfig({ NODE_ENV: 'test', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadAppConfig({ NODE_ENV: 'test', CORS_ORIGINS: 'https://a.example.com, chrome-extension://abc' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'chrome-extension://abc',
    ]);
    expect(() => loadAppConfig({ NODE_ENV: 'test', TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', HOST: 'a b' })).toThrow(/HOST/);
  });

  it('names every bad variable in one error', () => {
    let message = '';
    try {
      loadAppConfig({ NODE_ENV: 'development', PORT: 'abc', DATABASE_URL: 'mysql://x', LOCAL_CRM_LOG_FORMAT: 'pdf' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LOCAL_CRM_LOG_FORMAT');
  });

  it('takes a short outbox lease, renewed every third of it, that a renewal waiting for a pooled connection still meets', () => {
    const defaults = loadAppConfig({ NODE_ENV: 'test' });
    expect(defaults.OUTBOX_LEASE_MS).toBe(30_000);
    expect(defaults.outboxLeaseRenewalMs).toBe(10_000);
    // No longer tied to the CRM timeout: a lease need not outlast a delivery.
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_LEASE_MS: '2000', CRM_HTTP_TIMEOUT_MS: '60000' }).OUTBOX_LEASE_MS).toBe(2_000);
    expect(() => loadAppConfig({ NODE_ENV: 'test', OUTBOX_LEASE_MS: '1999' })).toThrow(/OUTBOX_LEASE_MS must be at least 2000 ms/);
    // PostgreSQL: 1.5 × the 10 s acquire timeout.
    const pg = { NODE_ENV: 'test', DATABASE_URL: 'postgres://db.example/app' };
    expect(() => loadAppConfig({ ...pg, OUTBOX_LEASE_MS: '14999' })).toThrow(/OUTBOX_LEASE_MS must be at least 15000/);
    expect(loadAppConfig({ ...pg, OUTBOX_LEASE_MS: '15000' }).OUTBOX_LEASE_MS).toBe(15_000);
    expect(loadAppConfig({ ...pg, OUTBOX_LEASE_MS: '3000', DATABASE_ACQUIRE_TIMEOUT_MS: '2000' }).OUTBOX_LEASE_MS).toBe(3_000);
  });

  it('reads OUTBOX_MAX_AGE as milliseconds, 24h-style or ISO-8601, and names it when it is none', () => {
    expect(loadAppConfig({ NODE_ENV: 'test' }).OUTBOX_MAX_AGE).toBe(86_400_000);
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: '90000' }).OUTBOX_MAX_AGE).toBe(90_000);
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: '12h' }).OUTBOX_MAX_AGE).toBe(43_200_000);
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: 'PT30M' }).OUTBOX_MAX_AGE).toBe(1_800_000);
    expect(() => loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: 'one day' })).toThrow(/OUTBOX_MAX_AGE must be a duration/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: 'P1M' })).toThrow(/OUTBOX_MAX_AGE must be a duration/);
    expect(() => loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_AGE: '10ms' })).toThrow(/OUTBOX_MAX_AGE must be at least one second/);
  });

  it('turns the outbox on by default, off with OUTBOX_ENABLED=false, and refuses other values', () => {
    expect(loadAppConfig({ NODE_ENV: 'test' }).outboxEnabled).toBe(true);
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_ENABLED: 'false' }).outboxEnabled).toBe(false);
    expect(() => loadAppConfig({ NODE_ENV: 'test', OUTBOX_ENABLED: 'no' })).toThrow(/OUTBOX_ENABLED/);
    expect(loadAppConfig({ NODE_ENV: 'test' }).OUTBOX_MAX_ATTEMPTS).toBeUndefined();
    expect(loadAppConfig({ NODE_ENV: 'test', OUTBOX_MAX_ATTEMPTS: '3' }).OUTBOX_MAX_ATTEMPTS).toBe(3);
  });

  it('refuses production without a server secret', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/APP_SERVER_SECRET_KEY/);
    expect(() => loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'short' })).toThrow(/at least 32/);
    expect(
      loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'h'.repeat(20) }).isProduction,
    ).toBe(true);
  });

  it('refuses production without a hash key, and names both missing secrets at once', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40) })).toThrow(/HASH_KEY is required/);
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/APP_SERVER_SECRET_KEY[\s\S]*HASH_KEY/);
    expect(() => loadAppConfig({ NODE_ENV: 'development', HASH_KEY: 'short' })).not.toThrow();
    expect(() =>
      loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'short' }),
    ).toThrow(/HASH_KEY must be at least 16/);
    expect(loadAppConfig({ NODE_ENV: 'development' }).usesDevelopmentHashKey).toBe(true);
  });

  it('has no demo key in production unless configured', () => {
    const config = loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'h'.repeat(20) });
    expect(config.localCrmApiKeys.size).toBe(0);
    const configured = loadAppConfig({ NODE_ENV: 'development', LOCAL_CRM_API_KEYS: 'k1=Alice, k2' });
    expect([...configured.localCrmApiKeys.entries()]).toEqual([
      ['k1', 'Alice'],
      ['k2', 'Local CRM user'],
    ]);
  });

  it('reads the Clio and Bullhorn settings, refusing base URLs that are not http(s) URLs', () => {
    const config = loadAppConfig({
      NODE_ENV: 'test',
      CLIO_API_BASE_URL: 'http://127.0.0.1:9000',
      CLIO_OAUTH_BASE_URL: 'https://eu.app.clio.com',
      BULLHORN_REST_BASE_URL: 'https://rest.bullhornstaffing.com',
      BULLHORN_CLIENT_ID: 'bh-id',
    });
    expect(config).toMatchObject({ CLIO_API_BASE_URL: 'http://127.0.0.1:9000', BULLHORN_CLIENT_ID: 'bh-id' });
    expect(config.BULLHORN_OAUTH_BASE_URL).toBeUndefined();
    let message = '';
    try {
      loadAppConfig({ NODE_ENV: 'test', CLIO_API_BASE_URL: 'not a url', CLIO_REDIRECT_URI: 'ftp://x.example', BULLHORN_OAUTH_BASE_URL: 'no pe', BULLHORN_REST_BASE_URL: 'x y' });
    } catch (error) {
      message = String(error);
    }
    for (const name of ['CLIO_API_BASE_URL', 'CLIO_REDIRECT_URI', 'BULLHORN_OAUTH_BASE_URL', 'BULLHORN_REST_BASE_URL']) {
      expect(message).toContain(name);
    }
  });
});
