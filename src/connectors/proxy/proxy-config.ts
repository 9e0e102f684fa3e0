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
  // is unknown is reconciled instead of repeated.
  'findLogByIdempotencyKey',
] as const;
export type ProxyOperationName = (typeof PROXY_OPERATIONS)[number];

export interface ProxyAuth {
  type?: 'apiKey' | 'oauth';
  scheme?: string;
  headerName?: string;
  credentialTemplate?: string;
  encode?: 'base64' | 'none';
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
    [key: string]: unknown;
  };
  auth?: ProxyAuth;
  requestDefaults?: { baseUrl?: string; timeoutSeconds?: number; defaultHeaders?: Record<string, unknown> };
  operations: Partial<Record<ProxyOperationName, ProxyOperation>>;
}

const authSchema = {
  type: 'object',
  properties: {
    type: { enum: ['apiKey', 'oauth'] },
    scheme: { type: 'string' },
    headerName: { type: 'string', minLength: 1 },
    credentialTemplate: { type: 'string' },
    encode: { enum: ['base64', 'none'] },
  },
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
      },
    },
  },
} as const;
