import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { parseDurationMs } from './duration.js';

export const LOG_FORMATS = ['text/plain', 'text/html', 'text/markdown'] as const;
export type ComposedLogFormat = (typeof LOG_FORMATS)[number];

const DEV_SECRET = 'development-only-secret-change-me';
const DEV_HASH_KEY = 'development-only-hash-key-change-me';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

const toDurationMs = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (parseDurationMs(value) ?? Number.NaN) : value;

/**
 * The shortest outbox lease: renewed every third of it, a lease shorter than this would
 * lapse whenever the event loop stalls for a moment (a long GC pause, a burst of work).
 */
const MIN_OUTBOX_LEASE_MS = 2_000;

/**
 * Every setting the server reads from the environment. Loaded once at start and
 * validated, so a bad variable stops the process with a message naming it
 * instead of failing on the first request that needs it.
 */
const ENVIRONMENT = Symbol('environment');

export class AppConfig {
  /** Unset is neither: the development defaults (secret, demo key, localhost binding) need it said. */
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 6066;

  /**
   * The address clients reach this server at (the manifest's serverUrl): behind a proxy
   * or TLS terminator it differs from the port we listen on. Default http://localhost:<PORT>.
   */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'], allow_query_components: false, allow_fragments: false },
    { message: 'PUBLIC_BASE_URL must be an http(s) URL without query or fragment, e.g. https://connector.example.com' },
  )
  PUBLIC_BASE_URL?: string;

  /** Interface to listen on; 0.0.0.0 in production, else only this machine (127.0.0.1). */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:[\]-]+$/, { message: 'HOST must be a host name or IP address such as 127.0.0.1 or 0.0.0.0' })
  HOST?: string;

  /**
   * Origins browsers may call from (CORS): comma-separated exact origins, `scheme://*` for
   * every origin of a scheme, or `*`. The default admits browser extensions only (App
   * Connect runs as one), never a web page.
   */
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^(\*|[a-z][a-z0-9+.-]*:\/\/(\*|[^\s/*]+))$/, {
    each: true,
    message: 'CORS_ORIGINS entries must be origins (https://app.example.com), scheme://* or *',
  })
  CORS_ORIGINS: string[] = ['chrome-extension://*', 'moz-extension://*', 'safari-web-extension://*'];

  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, logs):
   * `false` (default: none), `true` (any), a hop count, or comma-separated addresses/CIDRs.
   */
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count or comma-separated addresses/CIDRs',
  })
  TRUST_PROXY = 'false';

  /** Length of a rate-limit window, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Requests one client address may make per window (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_CLIENT = 1200;

  /** Requests one signed-in user may make per window, from any address (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_USER = 600;

  /** Login attempts (/apiKeyLogin, /oauth-callback) one client address may make per window (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_LOGIN_PER_CLIENT = 10;

  /** sqlite:<path> (default ./data/app-connect.sqlite) or postgres://... */
  @IsString()
  @Matches(/^(sqlite:|postgres(ql)?:\/\/)/, {
    message: 'DATABASE_URL must start with sqlite: or postgres://',
  })
  DATABASE_URL = 'sqlite:./data/app-connect.sqlite';

  /** PostgreSQL only: the schema to use (created if missing). Lets tests and tenants share a database. */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA?: string;

  /**
   * PostgreSQL only: connections per instance. None is held across a CRM call (writes go
   * through the outbox), so a small pool serves many concurrent writes.
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(500)
  DATABASE_POOL_SIZE = 20;

  /**
   * PostgreSQL only: how long a query waits for a free pooled connection before it fails
   * (pg's connectionTimeoutMillis). Without it a spent pool hangs requests for ever.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DATABASE_ACQUIRE_TIMEOUT_MS = 10_000;

  /** Signs session JWTs and derives the key that encrypts CRM credentials at rest. */
  @ValidateIf((config: AppConfig) => !config.isDevelopmentOrTest)
  @IsString({ message: 'APP_SERVER_SECRET_KEY must be a string' })
  @MinLength(32, { message: 'APP_SERVER_SECRET_KEY must be at least 32 characters' })
  APP_SERVER_SECRET_KEY: string = DEV_SECRET;

  /**
   * Keys the hashes of RingCentral account and extension ids (/userInfoHash, admin settings,
   * call identities). Changing it orphans every stored hashed id, so it is set once per deployment.
   */
  @ValidateIf((config: AppConfig) => !config.isDevelopmentOrTest)
  @IsString({ message: 'HASH_KEY must be a string' })
  @MinLength(16, { message: 'HASH_KEY must be at least 16 characters' })
  HASH_KEY: string = DEV_HASH_KEY;

  /** RingCentral's API, asked who a RingCentral access token belongs to (admin routes). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  RINGCENTRAL_SERVER_URL = 'https://platform.ringcentral.com';

  @Transform(toInt)
  @IsInt()
  @Min(60)
  JWT_TTL_SECONDS = 60 * 60 * 24 * 14;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Region used to read national-format numbers that carry no country code. */
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'DEFAULT_PHONE_REGION must be an ISO 3166 alpha-2 code such as US' })
  DEFAULT_PHONE_REGION = 'US';

  /** Comma-separated `key` or `key=Display Name` entries accepted by the local CRM. */
  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  LOCAL_CRM_API_KEYS?: string[];

  @IsIn(LOG_FORMATS)
  LOCAL_CRM_LOG_FORMAT: ComposedLogFormat = 'text/plain';

  @IsIn(['true', 'false'])
  LOCAL_CRM_SEED_DEMO = 'true';

  /** When set, every Pipedrive API request goes here whatever the user's company domain (tests, proxies). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PIPEDRIVE_API_BASE_URL?: string;

  /**
   * Requests per 2 s the server sends one Pipedrive company (Pipedrive's burst limit; the
   * lowest plan allows 20, higher plans more). Counted per instance. 0 turns pacing off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  PIPEDRIVE_RATE_LIMIT_PER_2S = 20;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PIPEDRIVE_OAUTH_BASE_URL = 'https://oauth.pipedrive.com';

  @IsOptional()
  @IsString()
  PIPEDRIVE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  PIPEDRIVE_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PIPEDRIVE_REDIRECT_URI?: string;

  /** A folder of App Connect proxy connector configs (one JSON file per connector), loaded at start. */
  @IsOptional()
  @IsString()
  CONNECTOR_CONFIG_DIR?: string;

  /**
   * When set, every Clio API request goes here instead of the user's regional host
   * (app.clio.com, eu.app.clio.com, ca.app.clio.com, au.app.clio.com): tests, proxies.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIO_API_BASE_URL?: string;

  /** When set, Clio's OAuth token and deauthorize requests go here instead of the user's regional host. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIO_OAUTH_BASE_URL?: string;

  @IsOptional()
  @IsString()
  CLIO_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  CLIO_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIO_REDIRECT_URI?: string;

  /**
   * Bullhorn's data-centre lookup (loginInfo) host, https://rest.bullhornstaffing.com when
   * unset. When set it is also trusted as a REST host (tests, proxies).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BULLHORN_REST_BASE_URL?: string;

  /** When set, Bullhorn token requests go here instead of the user's data-centre OAuth server. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BULLHORN_OAUTH_BASE_URL?: string;

  @IsOptional()
  @IsString()
  BULLHORN_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  BULLHORN_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BULLHORN_REDIRECT_URI?: string;

  /**
   * When set, every NetSuite REST record and SuiteQL request goes here instead of the
   * account's `https://<accountid>.suitetalk.api.netsuite.com` (tests, proxies).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NETSUITE_API_BASE_URL?: string;

  /**
   * When set, NetSuite's OAuth endpoints are used here: the token and revoke requests
   * (normally on the account's suitetalk host) and the authorization page (normally
   * `https://system.netsuite.com`).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NETSUITE_OAUTH_BASE_URL?: string;

  @IsOptional()
  @IsString()
  NETSUITE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  NETSUITE_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NETSUITE_REDIRECT_URI?: string;

  /**
   * When set, every Insightly request goes to this API root (the whole root, version
   * included, e.g. https://api.na1.insightly.com/v3.1) instead of the user's pod: tests, proxies.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  INSIGHTLY_API_BASE_URL?: string;

  /** Redtail's API root, https://crm.redtailtechnology.com/api/public/v1 when unset. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  REDTAIL_API_BASE_URL?: string;

  /** The deployment's Redtail API key (Redtail issues one per integration); Redtail sign-in needs it. */
  @IsOptional()
  @IsString()
  REDTAIL_API_KEY?: string;

  /** Timeout of one CRM HTTP request, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CRM_HTTP_TIMEOUT_MS = 15_000;

  /** How many times a rate-limited or failed safe CRM request is retried. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  CRM_HTTP_MAX_RETRIES = 3;

  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** When set, /console offers the operator view to whoever signs in with it; unset, there is none. */
  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'CONSOLE_ADMIN_TOKEN must be at least 24 characters' })
  CONSOLE_ADMIN_TOKEN?: string;

  /** Lifetime of a cached contact lookup, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CONTACT_CACHE_TTL_SECONDS = 15 * 60;

  /** How often the outbox worker looks for CRM writes that are due, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 1_000;

  /**
   * 'false' turns the outbox off: a write the CRM cannot take now is answered as a plain
   * failure and nothing is kept. Writes already queued are still delivered.
   */
  @IsIn(['true', 'false'])
  OUTBOX_ENABLED = 'true';

  /** First wait before a failed CRM write is tried again; doubles per attempt up to OUTBOX_RETRY_MAX_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_RETRY_BASE_MS = 1_000;

  /**
   * The longest wait between attempts (before jitter and a CRM's Retry-After): kept short
   * so a CRM that comes back gets its backlog within a minute.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_RETRY_MAX_MS = 30_000;

  /**
   * How long a write may stay pending before it is given up as failed (ms, `24h`-style or
   * ISO-8601 such as `PT24H`); a given-up call create gives the session back.
   */
  @Transform(toDurationMs)
  @IsInt({ message: 'OUTBOX_MAX_AGE must be a duration: milliseconds, e.g. 24h or 90m, or ISO-8601 such as PT24H' })
  @Min(1_000, { message: 'OUTBOX_MAX_AGE must be at least one second' })
  OUTBOX_MAX_AGE = 24 * 3_600_000;

  /** Attempts after which a CRM write is parked as failed; unset: only OUTBOX_MAX_AGE ends its attempts. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OUTBOX_MAX_ATTEMPTS?: number;

  /**
   * How long a claim on a write lasts unless renewed. The instance delivering it renews it
   * every third of this, so it need not outlast a delivery; when the instance dies, another
   * (or its restart) takes the write over after at most this long and reconciles it. See
   * minimumOutboxLeaseMs.
   */
  @Transform(toInt)
  @IsInt()
  @Min(MIN_OUTBOX_LEASE_MS, { message: `OUTBOX_LEASE_MS must be at least ${MIN_OUTBOX_LEASE_MS} ms` })
  OUTBOX_LEASE_MS = 30_000;

  /** Writes the worker of one instance delivers at a time. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  OUTBOX_CONCURRENCY = 4;

  /** How long a request waits for an earlier write of the same call or digest before answering "queued". */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OUTBOX_INLINE_WAIT_MS = 5_000;

  /**
   * On SIGTERM: how long in-flight requests and CRM calls get to finish before the
   * remaining connections are cut and the CRM agents and the database close.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  /** How often an instance renews the claims of its deliveries in flight: a third of the lease. */
  get outboxLeaseRenewalMs(): number {
    return Math.floor(this.OUTBOX_LEASE_MS / 3);
  }

  /**
   * A renewal is one UPDATE; on PostgreSQL it may first wait DATABASE_ACQUIRE_TIMEOUT_MS for
   * a pooled connection. Started a third into the lease, it must still land within it:
   * the lease is at least 1.5 × that wait (and MIN_OUTBOX_LEASE_MS), so a renewal that waits
   * the whole time is still in time, and one that fails leaves the next interval to try.
   */
  get minimumOutboxLeaseMs(): number {
    if (!this.usesPostgres) return MIN_OUTBOX_LEASE_MS;
    return Math.max(MIN_OUTBOX_LEASE_MS, Math.ceil(1.5 * this.DATABASE_ACQUIRE_TIMEOUT_MS));
  }

  get usesPostgres(): boolean {
    return /^postgres(ql)?:\/\//.test(this.DATABASE_URL);
  }

  get outboxEnabled(): boolean {
    return this.OUTBOX_ENABLED === 'true';
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** PUBLIC_BASE_URL without a trailing slash, as App Connect's serverUrl must be. */
  get publicBaseUrl(): string {
    return (this.PUBLIC_BASE_URL ?? `http://localhost:${this.PORT}`).replace(/\/+$/, '');
  }

  /**
   * A variable a connector config names (OAuth client id and secret, the deployment secret
   * `{{secretKey}}` renders). Read from the environment the configuration was loaded from,
   * kept out of enumeration so no dump or log of the configuration carries it.
   */
  environmentValue(name: string): string | undefined {
    const value = (this as unknown as { [ENVIRONMENT]?: Record<string, unknown> })[ENVIRONMENT]?.[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** Development defaults (public secrets, demo key) are allowed only when NODE_ENV says so. */
  get isDevelopmentOrTest(): boolean {
    return this.NODE_ENV === 'development' || this.NODE_ENV === 'test';
  }

  get listenHost(): string {
    return this.HOST ?? (this.isProduction ? '0.0.0.0' : '127.0.0.1');
  }

  /** Fastify's trustProxy value. */
  get trustProxy(): boolean | number | string {
    if (this.TRUST_PROXY === 'true') return true;
    if (this.TRUST_PROXY === 'false') return false;
    if (/^\d+$/.test(this.TRUST_PROXY)) return Number(this.TRUST_PROXY);
    return this.TRUST_PROXY;
  }

  get usesDevelopmentSecret(): boolean {
    return this.APP_SERVER_SECRET_KEY === DEV_SECRET;
  }

  get usesDevelopmentHashKey(): boolean {
    return this.HASH_KEY === DEV_HASH_KEY;
  }

  /** Local CRM keys with their display names; `demo` when none are configured outside production. */
  get localCrmApiKeys(): Map<string, string> {
    const entries = this.LOCAL_CRM_API_KEYS ?? (this.isDevelopmentOrTest ? ['demo=Demo User'] : []);
    return new Map(
      entries.map((entry) => {
        const [key, name] = entry.split('=');
        return [key.trim(), name?.trim() || 'Local CRM user'];
      }),
    );
  }
}

export class ConfigValidationError extends Error {}


/** Reads and validates the configuration; throws one error listing every bad variable. */
export function loadAppConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof AppConfig, unknown>> = {},
): AppConfig {
  const known = Object.keys(new AppConfig()) as (keyof AppConfig)[];
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = key in overrides ? overrides[key] : env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  Object.defineProperty(config, ENVIRONMENT, { value: { ...env, ...overrides }, enumerable: false });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  if (errors.length) {
    const lines = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? message : `${error.property}: ${message}`,
      ),
    );
    throw new ConfigValidationError(`Invalid configuration:\n  - ${lines.join('\n  - ')}`);
  }
  if (config.OUTBOX_LEASE_MS < config.minimumOutboxLeaseMs) {
    throw new ConfigValidationError(
      `Invalid configuration:\n  - OUTBOX_LEASE_MS must be at least ${config.minimumOutboxLeaseMs} ` +
        '(1.5 × DATABASE_ACQUIRE_TIMEOUT_MS), so a claim renewed a third into its lease is renewed before it runs out',
    );
  }
  // The development values are public: a server using them lets anyone sign a session
  // for any stored user, so they need NODE_ENV to say this is development or a test.
  const missingSecrets = [
    config.usesDevelopmentSecret && 'APP_SERVER_SECRET_KEY',
    config.usesDevelopmentHashKey && 'HASH_KEY',
  ].filter(Boolean);
  if (!config.isDevelopmentOrTest && missingSecrets.length) {
    const why = config.isProduction ? 'when NODE_ENV=production' : 'unless NODE_ENV is development or test';
    throw new ConfigValidationError(
      `Invalid configuration:\n  - ${missingSecrets.map((name) => `${name} is required ${why}`).join('\n  - ')}`,
    );
  }
  return config;
}
