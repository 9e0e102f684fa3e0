/** An App Connect proxy connector config (app-connect-docs/proxy-connector.md), as we read it. */

export const PROXY_OPERATIONS = [
  'getUserInfo',
  'findContact',
  'findContactWithName',
  'createContact',
  'createCallLog',
  'updateCallLog',
  'getCallLog',
  'createMessageLog',
  'updateMessageLog',
  'getLicenseStatus',
  'unAuthorize',
  // Ours: finds a log by the idempotency key a create stored, so a create whose outcome
  // is unknown is reconciled instead of repeated. The kind-specific two take precedence,
  // for CRMs that keep calls and messages as different objects searched separately.
  'findLogByIdempotencyKey',
  'findCallLogByIdempotencyKey',
  'findMessageLogByIdempotencyKey',
] as const;
export type ProxyOperationName = (typeof PROXY_OPERATIONS)[number];

/** Ours: where an OAuth config signs users in, its client credentials named by environment variable. */
export interface ProxyOAuth {
  /** The CRM's authorization page the client opens. */
  authUrl: string;
  /** The token endpoint: code exchange and refresh (form-encoded, RFC 6749). */
  tokenUrl: string;
  /** Space-separated scopes asked for at authorization. */
  scope?: string;
  clientIdEnv: string;
  clientSecretEnv: string;
  /** The redirect URI registered with the CRM; the code exchange repeats it. */
  redirectUriEnv?: string;
  /** How the client authenticates at the token endpoint: in the form (default) or HTTP Basic. */
  clientAuthentication?: 'body' | 'basic';
}

export interface ProxyAuth {
  type?: 'apiKey' | 'oauth';
  scheme?: string;
  headerName?: string;
  credentialTemplate?: string;
  encode?: 'base64' | 'none';
  oauth?: ProxyOAuth;
}

export interface ProxyOperation {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  auth?: ProxyAuth;
  responseMapping?: Record<string, unknown>;
}

export interface ProxyConfig {
  meta: {
    name: string;
    displayName: string;
    logFormat?: 'text/plain' | 'text/html' | 'text/markdown';
    contactTypes?: string[];
    /** Ours: a regular expression the login's hostname must match where requests go to the user's host. */
    hostnamePattern?: string;
    /** Ours: the environment variable holding the deployment secret that `{{secretKey}}` renders. */
    secretKeyEnv?: string;
    [key: string]: unknown;
  };
  auth?: ProxyAuth;
  requestDefaults?: { baseUrl?: string; timeoutSeconds?: number; defaultHeaders?: Record<string, unknown> };
  operations: Partial<Record<ProxyOperationName, ProxyOperation>>;
}

/**
 * The environment variable `{{secretKey}}` renders: `meta.secretKeyEnv`, or by default
 * `<NAME>_SECRET_KEY` from `meta.name`, so an App Connect config using it works unchanged.
 */
export function secretKeyEnvOf(config: ProxyConfig): string {
  return config.meta.secretKeyEnv ?? `${config.meta.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_SECRET_KEY`;
}

const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;

const oauthSchema = {
  type: 'object',
  required: ['authUrl', 'tokenUrl', 'clientIdEnv', 'clientSecretEnv'],
  properties: {
    authUrl: { type: 'string', pattern: '^https?://' },
    tokenUrl: { type: 'string', pattern: '^https?://' },
    scope: { type: 'string' },
    clientIdEnv: envName,
    clientSecretEnv: envName,
    redirectUriEnv: envName,
    clientAuthentication: { enum: ['body', 'basic'] },
  },
} as const;

const authSchema = {
  type: 'object',
  properties: {
    type: { enum: ['apiKey', 'oauth'] },
    scheme: { type: 'string' },
    headerName: { type: 'string', minLength: 1 },
    credentialTemplate: { type: 'string' },
    encode: { enum: ['base64', 'none'] },
    oauth: oauthSchema,
  },
  // An OAuth config must say where users sign in and which variables hold its client.
  if: { required: ['type'], properties: { type: { const: 'oauth' } } },
  then: { required: ['oauth'] },
} as const;

const path = { type: 'string' } as const;

const operationSchema = {
  type: 'object',
  required: ['url'],
  properties: {
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    url: { type: 'string', minLength: 1 },
    headers: { type: 'object' },
    query: { type: 'object' },
    auth: authSchema,
    responseMapping: { type: 'object' },
  },
} as const;

/** What each operation's answer must be mapped with for the core to use it. */
const requiredMapping = (...paths: string[]) => ({
  required: ['responseMapping'],
  properties: { responseMapping: { type: 'object', required: paths, properties: Object.fromEntries(paths.map((p) => [p, path])) } },
});
const listMapping = {
  required: ['responseMapping'],
  properties: {
    responseMapping: {
      type: 'object',
      required: ['listPath', 'item'],
      properties: { listPath: path, item: { type: 'object', required: ['idPath', 'namePath'], properties: { idPath: path, namePath: path } } },
    },
  },
};

/**
 * The JSON schema a config must pass at start. Unknown operations are refused (a typo
 * would otherwise silently disable one); other unknown keys are allowed, as App Connect's
 * own configs carry fields this server does not read.
 */
export const PROXY_CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['meta', 'operations'],
  properties: {
    meta: {
      type: 'object',
      required: ['name', 'displayName'],
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z][\\w-]{0,63}$' },
        displayName: { type: 'string', minLength: 1 },
        logFormat: { enum: ['text/plain', 'text/html', 'text/markdown'] },
        contactTypes: { type: 'array', items: { type: 'string' } },
        hostnamePattern: { type: 'string', minLength: 1 },
        secretKeyEnv: envName,
      },
    },
    auth: authSchema,
    requestDefaults: {
      type: 'object',
      properties: {
        baseUrl: { type: 'string' },
        timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 120 },
        defaultHeaders: { type: 'object' },
      },
    },
    operations: {
      type: 'object',
      required: ['getUserInfo', 'findContact', 'createCallLog'],
      propertyNames: { enum: [...PROXY_OPERATIONS] },
      additionalProperties: operationSchema,
      properties: {
        getUserInfo: { allOf: [operationSchema, requiredMapping('idPath', 'namePath')] },
        findContact: { allOf: [operationSchema, listMapping] },
        findContactWithName: { allOf: [operationSchema, listMapping] },
        createContact: { allOf: [operationSchema, requiredMapping('idPath')] },
        createCallLog: { allOf: [operationSchema, requiredMapping('idPath')] },
        createMessageLog: { allOf: [operationSchema, requiredMapping('idPath')] },
        findLogByIdempotencyKey: { allOf: [operationSchema, requiredMapping('idPath')] },
        findCallLogByIdempotencyKey: { allOf: [operationSchema, requiredMapping('idPath')] },
        findMessageLogByIdempotencyKey: { allOf: [operationSchema, requiredMapping('idPath')] },
      },
    },
  },
} as const;
