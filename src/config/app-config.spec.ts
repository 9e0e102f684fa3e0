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

  it('refuses an outbox lease a slow CRM request could outlast', () => {
    expect(loadAppConfig({}).OUTBOX_LEASE_MS).toBeGreaterThanOrEqual(loadAppConfig({}).minimumOutboxLeaseMs);
    // 2 × (15 s × 4 attempts + 30 s × 3 retries) = 300 s.
    expect(() => loadAppConfig({ OUTBOX_LEASE_MS: '299999' })).toThrow(/OUTBOX_LEASE_MS must be at least 300000/);
    expect(loadAppConfig({ OUTBOX_LEASE_MS: '300000' }).OUTBOX_LEASE_MS).toBe(300_000);
    expect(loadAppConfig({ OUTBOX_LEASE_MS: '10000', CRM_HTTP_TIMEOUT_MS: '1000', CRM_HTTP_MAX_RETRIES: '0' }).OUTBOX_LEASE_MS).toBe(10_000);
  });

  it('reads OUTBOX_MAX_AGE as milliseconds, 24h-style or ISO-8601, and names it when it is none', () => {
    expect(loadAppConfig({}).OUTBOX_MAX_AGE).toBe(86_400_000);
    expect(loadAppConfig({ OUTBOX_MAX_AGE: '90000' }).OUTBOX_MAX_AGE).toBe(90_000);
    expect(loadAppConfig({ OUTBOX_MAX_AGE: '12h' }).OUTBOX_MAX_AGE).toBe(43_200_000);
    expect(loadAppConfig({ OUTBOX_MAX_AGE: 'PT30M' }).OUTBOX_MAX_AGE).toBe(1_800_000);
    expect(() => loadAppConfig({ OUTBOX_MAX_AGE: 'one day' })).toThrow(/OUTBOX_MAX_AGE must be a duration/);
    expect(() => loadAppConfig({ OUTBOX_MAX_AGE: 'P1M' })).toThrow(/OUTBOX_MAX_AGE must be a duration/);
    expect(() => loadAppConfig({ OUTBOX_MAX_AGE: '10ms' })).toThrow(/OUTBOX_MAX_AGE must be at least one second/);
  });

  it('turns the outbox on by default, off with OUTBOX_ENABLED=false, and refuses other values', () => {
    expect(loadAppConfig({}).outboxEnabled).toBe(true);
    expect(loadAppConfig({ OUTBOX_ENABLED: 'false' }).outboxEnabled).toBe(false);
    expect(() => loadAppConfig({ OUTBOX_ENABLED: 'no' })).toThrow(/OUTBOX_ENABLED/);
    expect(loadAppConfig({}).OUTBOX_MAX_ATTEMPTS).toBeUndefined();
    expect(loadAppConfig({ OUTBOX_MAX_ATTEMPTS: '3' }).OUTBOX_MAX_ATTEMPTS).toBe(3);
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
});
