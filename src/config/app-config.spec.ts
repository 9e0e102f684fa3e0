import { loadAppConfig } from './app-config.js';

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({});
    expect(config).toMatchObject({ PORT: 6066, DATABASE_URL: 'sqlite:./data/app-connect.sqlite', NODE_ENV: 'development' });
    expect(config.usesDevelopmentSecret).toBe(true);
    expect([...config.localCrmApiKeys.keys()]).toEqual(['demo']);
  });

  it('names every bad variable in one error', () => {
    let message = '';
    try {
      loadAppConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOCAL_CRM_LOG_FORMAT: 'pdf' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LOCAL_CRM_LOG_FORMAT');
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
    expect(() => loadAppConfig({ HASH_KEY: 'short' })).not.toThrow();
    expect(() =>
      loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'short' }),
    ).toThrow(/HASH_KEY must be at least 16/);
    expect(loadAppConfig({}).usesDevelopmentHashKey).toBe(true);
  });

  it('has no demo key in production unless configured', () => {
    const config = loadAppConfig({ NODE_ENV: 'production', APP_SERVER_SECRET_KEY: 'x'.repeat(40), HASH_KEY: 'h'.repeat(20) });
    expect(config.localCrmApiKeys.size).toBe(0);
    const configured = loadAppConfig({ LOCAL_CRM_API_KEYS: 'k1=Alice, k2' });
    expect([...configured.localCrmApiKeys.entries()]).toEqual([
      ['k1', 'Alice'],
      ['k2', 'Local CRM user'],
    ]);
  });

  it('reads the Clio and Bullhorn settings, refusing base URLs that are not http(s) URLs', () => {
    const config = loadAppConfig({
      CLIO_API_BASE_URL: 'http://127.0.0.1:9000',
      CLIO_OAUTH_BASE_URL: 'https://eu.app.clio.com',
      BULLHORN_REST_BASE_URL: 'https://rest.bullhornstaffing.com',
      BULLHORN_CLIENT_ID: 'bh-id',
    });
    expect(config).toMatchObject({ CLIO_API_BASE_URL: 'http://127.0.0.1:9000', BULLHORN_CLIENT_ID: 'bh-id' });
    expect(config.BULLHORN_OAUTH_BASE_URL).toBeUndefined();
    let message = '';
    try {
      loadAppConfig({ CLIO_API_BASE_URL: 'not a url', CLIO_REDIRECT_URI: 'ftp://x.example', BULLHORN_OAUTH_BASE_URL: 'no pe', BULLHORN_REST_BASE_URL: 'x y' });
    } catch (error) {
      message = String(error);
    }
    for (const name of ['CLIO_API_BASE_URL', 'CLIO_REDIRECT_URI', 'BULLHORN_OAUTH_BASE_URL', 'BULLHORN_REST_BASE_URL']) {
      expect(message).toContain(name);
    }
  });
});
