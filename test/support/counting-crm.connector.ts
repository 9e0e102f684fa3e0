import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { AppException } from '../../src/common/app.exception.js';
import { success } from '../../src/common/return-message.js';
import { Connector } from '../../src/connectors/connector.decorator.js';
import type {
  ConnectorManifest,
  CrmConnector,
  CrmCredentials,
  LogFormat,
  UserInfoResult,
} from '../../src/connectors/crm-connector.interface.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends (params: infer P) => unknown ? P : never;
type MessageLogParams = Omit<Params<'createMessageLog'>, 'idempotencyKey'> & { idempotencyKey?: string };

export interface FakeActivity {
  id: string;
  subject: string;
  body: string;
  /** Every message id any write sent for this activity, in order (duplicates would show). */
  messageIds: string[];
  idempotencyKey?: string;
}

/**
 * The CRM behind the counting connector. Shared by reference, so two app instances
 * in one test talk to the same CRM, as two servers would.
 */
export class CountingCrm {
  readonly creates: MessageLogParams[] = [];
  readonly updates: Params<'updateMessageLog'>[] = [];
  readonly activities = new Map<string, FakeActivity>();
  /** Writes that will be refused, next first. */
  failures = 0;
  /** HTTP status of those refusals: 503 (may have landed), 429 (did not), 400 (refused for good). */
  failureStatus = 503;
  /** Retry-After those refusals carry, in milliseconds (as the CRM HTTP client passes it on). */
  failureRetryAfterMs: number | undefined;
  /** Milliseconds each write takes, to widen race windows. */
  delayMs = 0;
  /** Answer creates without a logId. */
  omitLogId = false;
  /** Carry out the next writes, then fail them as if the answer was lost (HTTP 504). */
  loseAnswers = 0;
  /** Whether the connector can look a create up by its idempotency key. */
  searchable = true;
  /** Lookups by idempotency key. */
  readonly searches: string[] = [];
  private nextId = 1;

  constructor(readonly logFormat: LogFormat = 'text/plain') {}

  get writes(): number {
    return this.creates.length + this.updates.length;
  }

  async write(params: MessageLogParams, existingId?: string): Promise<string | undefined> {
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failures > 0) {
      this.failures -= 1;
      throw AppException.crmRequestFailed(
        'counting',
        'Counting CRM is down for maintenance',
        this.failureStatus,
        this.failureRetryAfterMs,
      );
    }
    const id = this.apply(params, existingId);
    if (this.loseAnswers > 0) {
      this.loseAnswers -= 1;
      throw AppException.crmRequestFailed('counting', 'Counting CRM did not answer in time', 504);
    }
    return id;
  }

  find(idempotencyKey: string): string | undefined {
    this.searches.push(idempotencyKey);
    return [...this.activities.values()].find((a) => a.idempotencyKey === idempotencyKey)?.id;
  }

  private apply(params: MessageLogParams, existingId?: string): string | undefined {
    const ids = params.messages.map((m) => String(m.id));
    if (existingId) {
      const activity = this.activities.get(existingId);
      if (!activity) throw AppException.crmRequestFailed('counting', `Activity ${existingId} not found`, 404);
      Object.assign(activity, { subject: params.subject, body: params.composedLogDetails });
      activity.messageIds.push(...ids);
      return existingId;
    }
    if (this.omitLogId) return undefined;
    const id = `act-${this.nextId++}`;
    this.activities.set(id, {
      id,
      subject: params.subject,
      body: params.composedLogDetails,
      messageIds: ids,
      ...(params.idempotencyKey ? { idempotencyKey: params.idempotencyKey } : {}),
    });
    return id;
  }
}

export const COUNTING_CRM = Symbol('COUNTING_CRM');

@Connector()
@Injectable()
export class CountingCrmConnector implements CrmConnector {
  readonly name = 'counting';
  readonly manifest: ConnectorManifest;
  readonly findLogByIdempotencyKey?: CrmConnector['findLogByIdempotencyKey'];

  constructor(@Inject(COUNTING_CRM) private readonly crm: CountingCrm) {
    if (crm.searchable) {
      this.findLogByIdempotencyKey = async ({ idempotencyKey }) => {
        const logId = crm.find(idempotencyKey);
        return logId ? { logId } : {};
      };
    }
    this.manifest = {
      displayName: 'Counting CRM',
      authType: 'apiKey',
      logFormat: crm.logFormat,
      page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
    };
  }

  getAuthHeader(credentials: CrmCredentials): string {
    return `Key ${credentials.apiKey ?? ''}`;
  }

  async getUserInfo(): Promise<UserInfoResult> {
    return { successful: true, platformUserInfo: { id: 'u1', name: 'Counting User', timezoneName: 'UTC' } };
  }

  async createMessageLog(params: MessageLogParams) {
    this.crm.creates.push(params);
    const logId = await this.crm.write(params);
    return logId ? { logId, returnMessage: success('Counted.') } : {};
  }

  async updateMessageLog(params: Params<'updateMessageLog'>) {
    this.crm.updates.push(params);
    await this.crm.write(params, params.existingMessageLog.thirdPartyLogId);
    return { returnMessage: success('Counted update.') };
  }

  findContact(): never {
    throw new Error('not used');
  }
  createContact(): never {
    throw new Error('not used');
  }
  createCallLog(): never {
    throw new Error('not used');
  }
  updateCallLog(): never {
    throw new Error('not used');
  }
  getCallLog(): never {
    throw new Error('not used');
  }
}

@Module({})
export class CountingCrmModule {
  static register(crm: CountingCrm): DynamicModule {
    return { module: CountingCrmModule, providers: [{ provide: COUNTING_CRM, useValue: crm }, CountingCrmConnector] };
  }
}
