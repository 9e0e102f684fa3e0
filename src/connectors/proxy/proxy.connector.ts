import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success } from '../../common/return-message.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CrmConnector,
  CrmCredentials,
  OAuthTokens,
  UserInfoResult,
} from '../crm-connector.interface.js';
import type { CrmHttpClient, CrmHttpMethod } from '../http/crm-http.client.js';
import { secretKeyEnvOf, type ProxyAuth, type ProxyConfig, type ProxyOAuth, type ProxyOperation, type ProxyOperationName } from './proxy-config.js';
import { mapContacts, mapped, mappedText, responseScope } from './proxy-mapping.js';
import { renderTemplate } from './proxy-template.js';

type Params<K extends keyof CrmConnector> = NonNullable<CrmConnector[K]> extends (params: infer P) => unknown ? P : never;

const asRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((value ?? {}) as Record<string, unknown>)
      .filter(([, item]) => item !== undefined && item !== null && item !== '')
      .map(([key, item]) => [key, typeof item === 'object' ? JSON.stringify(item) : String(item)]),
  );

/** Whether an operation's templates use the complete body the core composes. */
const rendersComposedBody = (operation: ProxyOperation | undefined): boolean =>
  JSON.stringify(operation ?? {}).includes('composedLogDetails');

/** Reads a variable a config names (OAuth client, deployment secret) from the server's environment. */
export type EnvironmentReader = (name: string) => string | undefined;

/** The token endpoint's answer (RFC 6749 section 5.1). */
interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number | string;
}

/**
 * A connector defined by an App Connect proxy config: each operation is one HTTP request
 * rendered from the config's templates and sent through the shared CRM HTTP client
 * (timeouts, retries, 429 handling), its answer mapped with the config's paths.
 */
export class ProxyConnector implements CrmConnector {
  readonly name: string;
  readonly manifest: ConnectorManifest;
  /** A config written for App Connect's per-message pattern adds each message with an update of its own. */
  readonly appendsMessages: boolean;
  private readonly auth: ProxyAuth;
  private readonly oauth: (ProxyOAuth & { clientId?: string; clientSecret?: string; redirectUri?: string }) | undefined;
  private readonly secretKey: string | undefined;

  constructor(
    private readonly config: ProxyConfig,
    private readonly http: CrmHttpClient,
    environment: EnvironmentReader = () => undefined,
  ) {
    this.name = config.meta.name;
    const update = config.operations.updateMessageLog;
    this.appendsMessages = update !== undefined && !rendersComposedBody(update);
    this.auth = config.auth ?? {};
    const oauth = this.auth.type === 'oauth' ? this.auth.oauth : undefined;
    this.oauth = oauth && {
      ...oauth,
      clientId: environment(oauth.clientIdEnv),
      clientSecret: environment(oauth.clientSecretEnv),
      redirectUri: oauth.redirectUriEnv ? environment(oauth.redirectUriEnv) : undefined,
    };
    this.secretKey = environment(secretKeyEnvOf(config));
    this.manifest = {
      displayName: config.meta.displayName,
      authType: oauth ? 'oauth' : 'apiKey',
      logFormat: config.meta.logFormat ?? 'text/plain',
      contactTypes: config.meta.contactTypes,
      page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
      // Published only with a configured client: without its id nobody can sign in.
      ...(this.oauth?.clientId
        ? {
            oauth: {
              authUrl: this.oauth.authUrl,
              clientId: this.oauth.clientId,
              ...(this.oauth.redirectUri ? { redirectUri: this.oauth.redirectUri } : {}),
              ...(this.oauth.scope ? { scope: `scope=${encodeURIComponent(this.oauth.scope)}` } : {}),
            },
          }
        : {}),
    };
    // Declared only for OAuth configs, so the core offers neither to an API-key config.
    if (!oauth) {
      this.exchangeAuthorizationCode = undefined;
      this.refreshAccessToken = undefined;
    }
  }

  /**
   * The credential as the config's auth renders it: `<scheme> <credential>`, base64 unless
   * `encode: none`. OAuth without a template: `Bearer <access token>`.
   */
  getAuthHeader(credentials: CrmCredentials): string {
    if (this.oauth) {
      const accessToken = credentials.accessToken ?? '';
      if (!this.auth.credentialTemplate) return `${this.auth.scheme ?? 'Bearer'} ${accessToken}`;
      return this.credentialFor({ encode: 'none', ...this.auth }, { accessToken, user: { accessToken } });
    }
    return this.credentialFor(this.auth, { apiKey: credentials.apiKey ?? '' });
  }

  exchangeAuthorizationCode?: CrmConnector['exchangeAuthorizationCode'] = async ({ code, redirectUri }) => {
    const redirect = redirectUri ?? this.oauth?.redirectUri;
    return this.token(
      { grant_type: 'authorization_code', code, ...(redirect ? { redirect_uri: redirect } : {}) },
      (reason) => new AppException(AppErrorCode.CrmLoginRejected, `${this.manifest.displayName} refused the sign-in: ${reason}`, { platform: this.name }),
    );
  };

  refreshAccessToken?: CrmConnector['refreshAccessToken'] = async ({ refreshToken }) =>
    this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, (reason) =>
      AppException.crmAuthorizationFailed(this.name, `${this.manifest.displayName} refused to renew the session (${reason}). Please log in again.`),
    );

  async getUserInfo({ apiKey, authHeader, hostname, additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    if (this.oauth && !authHeader) {
      return { successful: false, returnMessage: danger(`${this.manifest.displayName} signs in with OAuth only.`) };
    }
    // A config whose requests go to the user's own host says which hosts those may be, so a
    // login cannot point the server (and the key) at an address of the user's choosing.
    const pattern = this.config.meta.hostnamePattern;
    if (typeof pattern === 'string' && !new RegExp(pattern).test((hostname ?? '').trim().toLowerCase())) {
      return { successful: false, returnMessage: danger(`${this.manifest.displayName} needs your account address, such as a hostname matching ${pattern}.`) };
    }
    const host = hostname?.trim().toLowerCase();
    const accessToken = this.oauth && authHeader ? this.accessTokenOf(authHeader) : undefined;
    const variables = {
      apiKey,
      accessToken,
      hostname: host,
      additionalInfo: additionalInfo ?? {},
      platform: this.name,
      secretKey: this.secretKey,
      user: { hostname: host, accessToken },
    };
    const header = this.oauth ? authHeader! : this.credentialFor(this.auth, variables);
    try {
      const { data, mapping } = await this.send('getUserInfo', variables, { authHeader: header });
      const id = mappedText(data, mapping.idPath);
      const name = mappedText(data, mapping.namePath);
      if (!id || !name) {
        return { successful: false, returnMessage: danger(mappedText(data, mapping.messagePath) ?? `${this.manifest.displayName} did not say who this is.`) };
      }
      const infoPaths = (mapping.platformAdditionalInfoPaths ?? {}) as Record<string, unknown>;
      const platformAdditionalInfo = Object.fromEntries(
        Object.entries(infoPaths).map(([key, path]) => [key, mapped(responseScope(data), path)]),
      );
      return {
        successful: true,
        platformUserInfo: { id, name, timezoneName: mappedText(data, mapping.timezoneNamePath), platformAdditionalInfo },
        returnMessage: success(mappedText(data, mapping.messagePath) ?? `Connected to ${this.manifest.displayName}.`),
      };
    } catch (error) {
      if (error instanceof AppException && error.details.status === 401) {
        return { successful: false, returnMessage: danger(`${this.manifest.displayName} did not accept these credentials: ${error.message}`) };
      }
      throw error;
    }
  }

  async findContact(params: Params<'findContact'>) {
    const { data, mapping } = await this.send('findContact', {
      ...this.base(params),
      phoneNumber: params.phoneNumber,
      parsedPhoneNumber: params.phoneNumberForms,
      overridingFormat: params.overridingFormat.join(','),
      isExtension: params.isExtension,
    }, params);
    return { successful: true, matchedContactInfo: mapContacts(data, mapping) };
  }

  async createContact(params: Params<'createContact'>) {
    const { data, mapping } = await this.send('createContact', {
      ...this.base(params),
      phoneNumber: params.phoneNumber,
      newContactName: params.newContactName,
      newContactType: params.newContactType ?? '',
      additionalSubmission: params.additionalSubmission ?? {},
    }, params);
    const id = mappedText(data, mapping.idPath);
    if (!id) return { returnMessage: danger(`${this.manifest.displayName} answered without a contact id.`) };
    const contactInfo: ContactInfo = {
      id,
      name: mappedText(data, mapping.namePath) ?? params.newContactName,
      type: mappedText(data, mapping.typePath) ?? params.newContactType,
      phone: params.phoneNumber,
    };
    return { contactInfo, returnMessage: success(`Contact ${contactInfo.name} created.`) };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    const { callLog } = params;
    const { data, mapping } = await this.send('createCallLog', {
      ...params,
      ...this.base(params),
      startTime: callLog.startTime,
      endTime: endTime(callLog.startTime, callLog.duration),
    }, params);
    const logId = mappedText(data, mapping.idPath);
    return logId ? { logId, returnMessage: success('Call logged.') } : {};
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    await this.send('updateCallLog', {
      ...params,
      ...this.base(params),
      thirdPartyLogId: params.existingCallLog.thirdPartyLogId,
      endTime: endTime(params.startTime ?? params.callLog.startTime, params.duration ?? params.callLog.duration),
    }, params);
    return { updatedNote: params.note, returnMessage: success('Call log updated.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const { data, mapping } = await this.send('getCallLog', {
      ...this.base(params),
      thirdPartyLogId: params.callLogId,
      contactId: params.contactId,
    }, params);
    return {
      callLogInfo: {
        subject: mappedText(data, mapping.subjectPath),
        note: mappedText(data, mapping.notePath),
        fullBody: mappedText(data, mapping.fullBodyPath),
      },
    };
  }

  /**
   * A config that renders `composedLogDetails` gets one write with the whole digest. One
   * written for App Connect's per-message pattern (`message.subject`, `creationTime`) gets
   * the create for the first message, then one update per later message, in time order.
   */
  async createMessageLog(params: Params<'createMessageLog'>) {
    const [first, ...later] = params.messages.length ? params.messages : [params.message];
    const perMessage = !rendersComposedBody(this.config.operations.createMessageLog);
    const { data, mapping } = await this.send('createMessageLog', this.messageVariables(params, perMessage ? first : params.message), params);
    const logId = mappedText(data, mapping.idPath);
    if (!logId) return {};
    if (perMessage) {
      for (const message of later) {
        await this.send('updateMessageLog', { ...this.messageVariables(params, message), thirdPartyLogId: logId }, params);
      }
    }
    return { logId, returnMessage: success('Messages logged.') };
  }

  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const thirdPartyLogId = params.existingMessageLog.thirdPartyLogId;
    const messages = rendersComposedBody(this.config.operations.updateMessageLog) ? [params.message] : params.messages;
    for (const message of messages.length ? messages : [params.message]) {
      await this.send('updateMessageLog', { ...this.messageVariables(params, message), thirdPartyLogId, existingMessageLog: params.existingMessageLog }, params);
    }
    return { returnMessage: success('Messages logged.') };
  }

  /**
   * Declared only when the config has a lookup, so the core knows whether it can reconcile.
   * A kind-specific lookup (findCallLogByIdempotencyKey, findMessageLogByIdempotencyKey)
   * takes precedence over the shared one; a kind with neither cannot be reconciled.
   */
  get findLogByIdempotencyKey() {
    const { operations } = this.config;
    const lookupFor = (kind: 'call' | 'message'): ProxyOperationName | undefined => {
      const specific = kind === 'call' ? 'findCallLogByIdempotencyKey' : 'findMessageLogByIdempotencyKey';
      return operations[specific] ? specific : operations.findLogByIdempotencyKey ? 'findLogByIdempotencyKey' : undefined;
    };
    if (!lookupFor('call') && !lookupFor('message')) return undefined;
    return async (params: ConnectorCallContext & { kind: 'call' | 'message'; idempotencyKey: string; contactInfo: ContactInfo; since: string }) => {
      const operation = lookupFor(params.kind);
      if (!operation) {
        throw AppException.crmRequestFailed(this.name, `${this.manifest.displayName} cannot look a ${params.kind} log up by its key.`, 501);
      }
      const { data, mapping } = await this.send(operation, { ...params, ...this.base(params) }, params);
      return { logId: mappedText(data, mapping.idPath) };
    };
  }

  private messageVariables(params: Params<'createMessageLog'> | Params<'updateMessageLog'>, message: Params<'createMessageLog'>['message']) {
    return { ...params, ...this.base(params), message, creationTime: message.creationTime };
  }

  /** What every operation's templates may read about the user (and the deployment secret). */
  private base(context: ConnectorCallContext) {
    const accessToken = this.oauth ? this.accessTokenOf(context.authHeader) : undefined;
    return {
      authHeader: context.authHeader,
      secretKey: this.secretKey,
      user: { ...context.user, id: context.user.crmUserId, ...(accessToken ? { accessToken } : {}) },
    };
  }

  /** The access token inside an OAuth header this connector built. */
  private accessTokenOf(authHeader: string): string {
    const prefix = `${this.auth.scheme ?? 'Bearer'} `;
    return !this.auth.credentialTemplate && authHeader.startsWith(prefix) ? authHeader.slice(prefix.length) : authHeader;
  }

  /** One request to the config's token endpoint: the grant plus the client's credentials. */
  private async token(grant: Record<string, string>, refused: (reason: string) => AppException): Promise<OAuthTokens> {
    const oauth = this.oauth;
    if (!oauth?.clientId || !oauth.clientSecret) {
      throw AppException.crmRequestFailed(this.name, `${this.manifest.displayName} sign-in is not configured on this server (${oauth?.clientIdEnv}, ${oauth?.clientSecretEnv}).`, 501);
    }
    const basic = oauth.clientAuthentication === 'basic';
    const form = new URLSearchParams({ ...grant, ...(basic ? {} : { client_id: oauth.clientId, client_secret: oauth.clientSecret }) });
    const clientCredentials = `Basic ${Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`, 'utf8').toString('base64')}`;
    let answer: TokenResponse;
    try {
      const response = await this.http.request<TokenResponse>({
        method: 'POST',
        url: oauth.tokenUrl,
        data: form,
        headers: { Accept: 'application/json' },
        // A code is single-use: a repeated exchange would be refused, so only a 429 is retried.
        idempotent: grant.grant_type === 'refresh_token',
        ...(basic ? { auth: { authHeader: clientCredentials, toHeaders: (value: string) => ({ Authorization: value }) } } : {}),
      });
      answer = response.data ?? {};
    } catch (error) {
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) throw refused(error.message);
      throw error;
    }
    if (!answer.access_token) {
      throw AppException.crmRequestFailed(this.name, `${this.manifest.displayName} answered the token request without an access token.`);
    }
    const expiresIn = Number(answer.expires_in);
    return {
      accessToken: answer.access_token,
      ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
      ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
    };
  }

  private credentialFor(auth: ProxyAuth, variables: Record<string, unknown>): string {
    if (!auth.credentialTemplate) return String(variables.authHeader ?? variables.apiKey ?? '');
    const rendered = String(renderTemplate(auth.credentialTemplate, variables) ?? '');
    const credential = (auth.encode ?? 'base64') === 'base64' ? Buffer.from(rendered, 'utf8').toString('base64') : rendered;
    return auth.scheme ? `${auth.scheme} ${credential}` : credential;
  }

  private async send(
    name: ProxyOperationName,
    variables: Record<string, unknown>,
    context: Pick<ConnectorCallContext, 'authHeader' | 'refreshAuthHeader'>,
  ) {
    const { authHeader, refreshAuthHeader } = context;
    const operation = this.config.operations[name];
    if (!operation) {
      throw AppException.crmRequestFailed(this.name, `${this.manifest.displayName} is not set up for ${name}.`, 501);
    }
    const defaults = this.config.requestDefaults ?? {};
    const url = String(renderTemplate(operation.url, variables));
    // The base may name the user's own host: https://{{user.hostname}}/api/v2.
    const baseUrl = String(renderTemplate(defaults.baseUrl ?? '', variables));
    const headerName = (operation.auth ?? this.auth).headerName ?? 'Authorization';
    const opAuth = operation.auth ? this.credentialFor(operation.auth, variables) : authHeader;
    // An OAuth token refused with a 401 is refreshed once (by the core) and the request repeated.
    const refresh = !operation.auth && refreshAuthHeader ? (rejected: string) => refreshAuthHeader(rejected) : undefined;
    const response = await this.http.request<unknown>({
      method: (operation.method ?? 'GET') as CrmHttpMethod,
      url: /^https?:\/\//i.test(url) ? url : `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`,
      params: asRecord(renderTemplate(operation.query, variables)),
      headers: asRecord(renderTemplate({ ...defaults.defaultHeaders, ...operation.headers }, variables)),
      ...(operation.body !== undefined ? { data: renderTemplate(operation.body, variables) } : {}),
      // An update that adds a message is not repeated on a 5xx or a timeout, whatever its method.
      ...(name === 'updateMessageLog' && this.appendsMessages ? { idempotent: false } : {}),
      auth: { authHeader: opAuth, toHeaders: (value) => ({ [headerName]: value }), ...(refresh ? { refresh } : {}) },
      // Configs may put a credential in the path (a token lookup); the logs never show it.
      secretsInPath: [variables.apiKey, variables.accessToken, (variables.user as { accessToken?: unknown } | undefined)?.accessToken, this.secretKey]
        .filter((value): value is string => typeof value === 'string' && value.length > 0),
    });
    return { data: response.data, mapping: (operation.responseMapping ?? {}) as Record<string, unknown> };
  }
}

/** The end of a call: its start plus its duration, when both are known. */
function endTime(start: string | undefined, duration: number | 'pending' | undefined): string | undefined {
  if (!start || typeof duration !== 'number') return undefined;
  const startMs = Date.parse(start);
  return Number.isNaN(startMs) ? undefined : new Date(startMs + duration * 1000).toISOString();
}
