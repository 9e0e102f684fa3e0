import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import type { CrmSession } from '../auth/crm-session.js';
import { SessionTokenService } from '../auth/session-token.service.js';
import { ConnectorRegistry } from '../connectors/connector-registry.service.js';
import { LocalCrmStore } from '../connectors/local/local-crm.store.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import type { RetryOutcome } from '../delivery/write-handler.js';
import { CallLogsRepository } from '../persistence/repositories/call-logs.repository.js';
import { MessageDigestsRepository } from '../persistence/repositories/message-digests.repository.js';
import { PendingWritesRepository } from '../persistence/repositories/pending-writes.repository.js';
import { RecentCrmErrors } from '../observability/recent-crm-errors.js';
import type { OperatorPageView, SentLogView, UserPageView } from './console.views.js';

/** How many of each the pages list: the console is a look, not an export. */
const RECENT = 25;
const LOCAL_PLATFORM = 'local';

/**
 * What the console shows, read from our own tables (and the local CRM's): no CRM is
 * called to render a page. Views carry no credentials, tokens or write payloads.
 */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: SessionTokenService,
    private readonly connectors: ConnectorRegistry,
    private readonly callLogs: CallLogsRepository,
    private readonly digests: MessageDigestsRepository,
    private readonly writes: PendingWritesRepository,
    private readonly delivery: DeliveryService,
    private readonly localCrm: LocalCrmStore,
    private readonly crmErrors: RecentCrmErrors,
  ) {}

  /** Signs in to the local CRM as POST /apiKeyLogin would; the session token it answers. */
  async signInWithKey(apiKey: string): Promise<string> {
    return (await this.auth.apiKeyLogin({ platform: LOCAL_PLATFORM, apiKey })).jwtToken;
  }

  /** The session a token stands for; throws (401) when it is invalid, expired or logged out. */
  session(jwtToken: string): Promise<CrmSession> {
    const payload = this.tokens.verify(jwtToken);
    return this.auth.resolveSession(payload.sub, payload.sv, payload.platform);
  }

  async userView(session: CrmSession, operatorAvailable: boolean): Promise<UserPageView> {
    const { user, connector } = session;
    const [calls, digests, writes] = await Promise.all([
      this.callLogs.recentByUser(user.id, RECENT),
      this.digests.recentByUser(user.id, RECENT),
      this.writes.findByUser(user.id),
    ]);
    const logs: SentLogView[] = [
      ...calls.map((call) => ({
        kind: 'call' as const,
        reference: call.sessionId,
        crmLogId: call.thirdPartyLogId,
        contactId: call.contactId,
        subject: call.sentSubject,
        body: call.sentBody,
        updatedAt: call.updatedAt,
      })),
      ...digests.map((digest) => ({
        kind: 'digest' as const,
        reference: digest.logDate ? `${digest.conversationId} on ${digest.logDate}` : digest.conversationId,
        crmLogId: digest.thirdPartyLogId,
        contactId: digest.contactId,
        subject: digest.sentSubject,
        body: digest.sentBody,
        updatedAt: digest.updatedAt,
      })),
    ]
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
      .slice(0, RECENT);
    return {
      user: { name: user.name, platform: user.platform, connectorName: connector.manifest.displayName, timezone: user.timezone },
      logs,
      outbox: writes.slice(-RECENT).map((write) => ({
        writeKey: write.writeKey,
        kind: write.kind,
        state: write.state,
        attempts: write.attempts,
        recordedAt: write.recordedAt,
        nextAttemptAt: write.nextAttemptAt,
        lastError: write.lastError,
      })),
      localCrm: user.platform === LOCAL_PLATFORM ? await this.localCrmView(user.crmUserId) : null,
      operatorAvailable,
    };
  }

  retry(session: CrmSession, writeKey: string): Promise<RetryOutcome> {
    return this.delivery.retryNow(session.user.id, writeKey);
  }

  async operatorView(): Promise<OperatorPageView> {
    const [outboxTotals, outboxByPlatform, outboxErrors] = await Promise.all([
      this.writes.stateSummary(),
      this.writes.summaryByPlatform(),
      this.writes.recentErrors(RECENT),
    ]);
    return {
      connectors: this.connectors.all().map((connector) => ({
        name: connector.name,
        displayName: connector.manifest.displayName,
        authType: connector.manifest.authType,
        logFormat: connector.manifest.logFormat,
      })),
      outboxTotals,
      outboxByPlatform,
      crmErrors: [...this.crmErrors.all()].map(([connector, errors]) => ({ connector, errors })),
      outboxErrors,
    };
  }

  private async localCrmView(ownerId: string): Promise<UserPageView['localCrm']> {
    const [contacts, activities] = await Promise.all([this.localCrm.listContacts(RECENT * 4), this.localCrm.listActivities(ownerId)]);
    return {
      contacts: contacts.map(({ id, name, phoneNumber, type, company }) => ({ id, name, phoneNumber, type, company })),
      activities: activities
        .slice(-RECENT)
        .reverse()
        .map(({ id, kind, contactId, subject, body, updatedAt }) => ({ id, kind, contactId, subject, body, updatedAt })),
    };
  }
}
