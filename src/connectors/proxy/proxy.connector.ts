import { AppException } from '../../common/app.exception.js';
import { danger, success } from '../../common/return-message.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CrmConnector,
  CrmCredentials,
  UserInfoResult,
} from '../crm-connector.interface.js';
import type { CrmHttpClient, CrmHttpMethod } from '../http/crm-http.client.js';
import type { ProxyAuth, ProxyConfig, ProxyOperation, ProxyOperationName } from './proxy-config.js';
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

/**
 * A connector defined by an App Connect proxy config: each operation is one HTTP request
 * rendered from the config's templates and sent through the shared CRM HTTP client
 * (timeouts, retries, 429 handling), its answer mapped with the config's paths.
 */
export class ProxyConnector implements CrmConnector {
  readonly name: string;
  readonly manifest: ConnectorManifest;
  private readonly auth: ProxyAuth;

  constructor(
    private readonly config: ProxyConfig,
    private readonly http: CrmHttpClient,
  ) {
    this.name = config.meta.name;
    this.auth = config.auth ?? {};
    this.manifest = {
      displayName: config.meta.displayName,
      authType: 'apiKey',
      logFormat: config.meta.logFormat ?? 'text/plain',
      contactTypes: config.meta.contactTypes,
      page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
    };
  }

  /** The credential as the config's auth renders it: `<scheme> <credential>`, base64 unless `encode: none`. */
  getAuthHeader(credentials: CrmCredentials): string {
    return this.credentialFor(this.auth, { apiKey: credentials.apiKey ?? '' });
  }

  async getUserInfo({ apiKey, hostname, additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    // A config whose requests go to the user's own host says which hosts those may be, so a
    // login cannot point the server (and the key) at an address of the user's choosing.
    const pattern = this.config.meta.hostnamePattern;
    if (typeof pattern === 'string' && !new RegExp(pattern).test((hostname ?? '').trim().toLowerCase())) {
      return { successful: false, returnMessage: danger(`${this.manifest.displayName} needs your account address, such as a hostname matching ${pattern}.`) };
    }
    const host = hostname?.trim().toLowerCase();
    const variables = { apiKey, hostname: host, additionalInfo: additionalInfo ?? {}, platform: this.name, user: { hostname: host } };
    const authHeader = this.credentialFor(this.auth, variables);
    try {
      const { data, mapping } = await this.send('getUserInfo', variables, authHeader);
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
    }, params.authHeader);
    return { successful: true, matchedContactInfo: mapContacts(data, mapping) };
  }

  async createContact(params: Params<'createContact'>) {
    const { data, mapping } = await this.send('createContact', {
      ...this.base(params),
      phoneNumber: params.phoneNumber,
      newContactName: params.newContactName,
      newContactType: params.newContactType ?? '',
      additionalSubmission: params.additionalSubmission ?? {},
    }, params.authHeader);
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
    }, params.authHeader);
    const logId = mappedText(data, mapping.idPath);
    return logId ? { logId, returnMessage: success('Call logged.') } : {};
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    await this.send('updateCallLog', {
      ...params,
      ...this.base(params),
      thirdPartyLogId: params.existingCallLog.thirdPartyLogId,
      endTime: endTime(params.startTime ?? params.callLog.startTime, params.duration ?? params.callLog.duration),
    }, params.authHeader);
    return { updatedNote: params.note, returnMessage: success('Call log updated.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const { data, mapping } = await this.send('getCallLog', {
      ...this.base(params),
      thirdPartyLogId: params.callLogId,
      contactId: params.contactId,
    }, params.authHeader);
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
    const { data, mapping } = await this.send('createMessageLog', this.messageVariables(params, perMessage ? first : params.message), params.authHeader);
    const logId = mappedText(data, mapping.idPath);
    if (!logId) return {};
    if (perMessage) {
      for (const message of later) {
        await this.send('updateMessageLog', { ...this.messageVariables(params, message), thirdPartyLogId: logId }, params.authHeader);
      }
    }
    return { logId, returnMessage: success('Messages logged.') };
  }

  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const thirdPartyLogId = params.existingMessageLog.thirdPartyLogId;
    const messages = rendersComposedBody(this.config.operations.updateMessageLog) ? [params.message] : params.messages;
    for (const message of messages.length ? messages : [params.message]) {
      await this.send('updateMessageLog', { ...this.messageVariables(params, message), thirdPartyLogId, existingMessageLog: params.existingMessageLog }, params.authHeader);
    }
    return { returnMessage: success('Messages logged.') };
  }

  /** Declared only when the config has the operation, so the core knows whether it can reconcile. */
  get findLogByIdempotencyKey() {
    if (!this.config.operations.findLogByIdempotencyKey) return undefined;
    return async (params: ConnectorCallContext & { kind: 'call' | 'message'; idempotencyKey: string; contactInfo: ContactInfo; since: string }) => {
      const { data, mapping } = await this.send('findLogByIdempotencyKey', { ...params, ...this.base(params) }, params.authHeader);
      return { logId: mappedText(data, mapping.idPath) };
    };
  }

  private messageVariables(params: Params<'createMessageLog'> | Params<'updateMessageLog'>, message: Params<'createMessageLog'>['message']) {
    return { ...params, ...this.base(params), message, creationTime: message.creationTime };
  }

  /** What every operation's templates may read about the user. */
  private base(context: ConnectorCallContext) {
    return { authHeader: context.authHeader, user: { ...context.user, id: context.user.crmUserId } };
  }

  private credentialFor(auth: ProxyAuth, variables: Record<string, unknown>): string {
    if (!auth.credentialTemplate) return String(variables.authHeader ?? variables.apiKey ?? '');
    const rendered = String(renderTemplate(auth.credentialTemplate, variables) ?? '');
    const credential = (auth.encode ?? 'base64') === 'base64' ? Buffer.from(rendered, 'utf8').toString('base64') : rendered;
    return auth.scheme ? `${auth.scheme} ${credential}` : credential;
  }

  private async send(name: ProxyOperationName, variables: Record<string, unknown>, authHeader: string) {
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
    const response = await this.http.request<unknown>({
      method: (operation.method ?? 'GET') as CrmHttpMethod,
      url: /^https?:\/\//i.test(url) ? url : `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`,
      params: asRecord(renderTemplate(operation.query, variables)),
      headers: asRecord(renderTemplate({ ...defaults.defaultHeaders, ...operation.headers }, variables)),
      ...(operation.body !== undefined ? { data: renderTemplate(operation.body, variables) } : {}),
      auth: { authHeader: opAuth, toHeaders: (value) => ({ [headerName]: value }) },
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
