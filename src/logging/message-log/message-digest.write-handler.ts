import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { CrmSession } from '../../auth/crm-session.js';
import { AppException } from '../../common/app.exception.js';
import type { ReturnMessage } from '../../common/return-message.js';
import type {
  ContactInfo,
  MediaLinks,
  RingCentralMessage,
  SharedSmsLogContent,
} from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { findCreatedLog } from '../../delivery/reconcile.js';
import { classifyFailure, UnreconcilableWriteError } from '../../delivery/write-failure.js';
import type { DeliveredWrite, HandledWrite, WriteHandler } from '../../delivery/write-handler.js';
import type { PendingWriteEntity } from '../../persistence/entities/pending-write.entity.js';
import { type LockScope, TransactionService } from '../../persistence/transaction.service.js';
import { MessageDigestsRepository } from '../../persistence/repositories/message-digests.repository.js';
import { MessageLogsRepository } from '../../persistence/repositories/message-logs.repository.js';
import { composeMessageDigest, type DigestEntry, sortByTime } from '../compose/message-digest.composer.js';
import { composeSharedSmsLog, type SharedSmsEntry } from '../compose/shared-sms.composer.js';
import { newestMediaLinks } from './media-links.js';

export const DIGEST_WRITE = 'digest';

/** One message waiting for its digest write. `media` holds view links only, never the RingCentral token. */
export interface QueuedMessage {
  key: string;
  message: RingCentralMessage;
  entry: DigestEntry;
  creationTime: string;
  media: MediaLinks;
}

/** A digest write as the outbox keeps it: everything needed to render and send the digest later. */
export type DigestWritePayload = {
  digestKey: string;
  conversationKey: string;
  logDate: string | null;
  contactId: string;
  contactInfo: ContactInfo;
  participants: string[];
  isGroup: boolean;
  shared: boolean;
  owner?: { name: string; isCallQueue: boolean };
  assignee?: string;
  additionalSubmission?: Record<string, unknown>;
  /** Shared SMS notes of the request, rendered as entries. */
  notes: DigestEntry[];
  messages: QueuedMessage[];
  /**
   * A user asked to send again a write whose append may have landed (console retry): the
   * appending path sends it instead of parking it again.
   */
  resendUncertain?: boolean;
};

/** Only the request has these: download links with the RingCentral token, by message key. */
export interface DigestVolatile {
  media: Map<string, MediaLinks>;
}

export function digestTarget(digestKey: string): string {
  return `digest|${digestKey}`;
}

/**
 * Writes one digest (a conversation's day, or a shared SMS thread) to the CRM: renders
 * it whole from its stored entries plus the queued messages not yet logged, makes one
 * CRM call (create the first time, update after), then records digest and ledger.
 */
@Injectable()
export class MessageDigestWriteHandler implements WriteHandler, OnModuleInit {
  readonly kind = DIGEST_WRITE;
  private readonly logger = new Logger(MessageDigestWriteHandler.name);

  constructor(
    private readonly delivery: DeliveryService,
    private readonly messageLogs: MessageLogsRepository,
    private readonly digests: MessageDigestsRepository,
    private readonly transactions: TransactionService,
  ) {}

  onModuleInit(): void {
    this.delivery.register(this);
  }

  async deliver(write: PendingWriteEntity, session: CrmSession, volatile?: unknown): Promise<HandledWrite> {
    const payload = write.payload as DigestWritePayload;
    const { digestKey } = payload;
    const userId = session.user.id;
    // An earlier write (or an attempt that stopped before removing this row) may have logged some.
    const logged = await this.messageLogs.findLoggedIds(userId, payload.messages.map((m) => m.key));
    const fresh = payload.messages.filter((m) => !logged.has(m.key));
    // Requests drop what was logged before they arrived, so whatever a write carries is
    // logged once it is done, whether by this write or an earlier one it waited for.
    const logIds = payload.messages.map((m) => m.key);
    if (fresh.length === 0) return { data: { logIds }, record: async () => undefined };

    const digest = await this.digests.findByKey(userId, digestKey);
    const incoming: DigestEntry[] = [...fresh.map((f) => f.entry), ...payload.notes];
    const replaced = new Set(incoming.map((entry) => entry.messageId));
    // Entries are keyed by message id, so a digest stored by an interrupted earlier
    // write is completed rather than repeated.
    const entries = sortByTime([
      ...((digest?.entries ?? []) as unknown as DigestEntry[]).filter((entry) => !replaced.has(entry.messageId)),
      ...incoming,
    ]);
    const media = (volatile as DigestVolatile | undefined)?.media;
    if (session.connector.appendsMessages) {
      return this.deliverAppending(write, session, payload, digest, fresh, media, logIds);
    }
    const { subject, composedLogDetails, sharedSMSLogContent } = this.render(session, payload, entries);
    const params = {
      ...session.context,
      contactInfo: payload.contactInfo,
      message: fresh[fresh.length - 1]!.message,
      messages: fresh.map((f) => f.message),
      additionalSubmission: payload.additionalSubmission,
      composedLogDetails,
      subject,
      ...(sharedSMSLogContent ? { sharedSMSLogContent } : {}),
      ...newestMediaLinks(fresh.map((f) => media?.get(f.key) ?? f.media)),
    };

    const { connector } = session;
    let thirdPartyLogId: string;
    let returnMessage: ReturnMessage | undefined;
    if (digest) {
      // The complete body replaces the old one: repeating an update whose outcome is unknown is harmless.
      ({ returnMessage } = await connector.updateMessageLog({
        ...params,
        existingMessageLog: { thirdPartyLogId: digest.thirdPartyLogId },
      }));
      thirdPartyLogId = digest.thirdPartyLogId;
    } else {
      ({ thirdPartyLogId, returnMessage } = await this.createOrReconcile(write, session, payload, params));
    }

    this.logger.debug(
      `${digest ? 'Updated' : 'Created'} message log with ${fresh.length} message(s) (platform ${session.user.platform}, user ${userId})`,
    );
    const storedEntries = entries as unknown as Record<string, unknown>[];
    // As the connector got it: a shared thread's own body when there is one (what connectors write).
    const sent = { subject, body: sharedSMSLogContent?.body ?? composedLogDetails };
    const sentFields = { sentSubject: sent.subject, sentBody: sent.body };
    const logId = thirdPartyLogId;
    // The CRM accepted the write. Digest first, ledger second: on SQLite, where these are
    // not one transaction, stopping between the two leaves the messages unlogged and the
    // retry merges them by id.
    const record = async (scope: LockScope) => {
      if (digest) {
        await this.digests.replaceEntries(userId, digestKey, storedEntries, sent, scope);
      } else {
        await this.digests.create(
          {
            userId,
            digestKey,
            conversationId: payload.conversationKey,
            contactId: payload.contactId,
            logDate: payload.logDate,
            thirdPartyLogId: logId,
            entries: storedEntries,
            ...sentFields,
          },
          scope,
        );
      }
      await this.messageLogs.recordAccepted(
        fresh.map((f) => ({
          platform: session.user.platform,
          userId,
          messageId: f.key,
          conversationId: payload.conversationKey,
          digestKey,
          thirdPartyLogId: logId,
        })),
        scope,
      );
    };
    return { returnMessage, data: { logIds }, record };
  }

  /**
   * A connector whose updates append the messages they are given (a config written for
   * App Connect's per-message pattern) gets one CRM call per message, and each message is
   * recorded as logged right after its call, before the next one. A retry therefore sends
   * only what no call has taken yet. An append whose outcome is unknown (a timeout, a 5xx,
   * the server killed during it) is not sent again: it cannot be looked up, and a repeat
   * would add the message twice. The write is given back (in a request) or parked as
   * failed with that reason (in the worker), and the console's retry sends it on request.
   */
  private async deliverAppending(
    write: PendingWriteEntity,
    session: CrmSession,
    payload: DigestWritePayload,
    stored: { thirdPartyLogId: string; entries: unknown } | null,
    fresh: QueuedMessage[],
    media: Map<string, MediaLinks> | undefined,
    logIds: string[],
  ): Promise<HandledWrite> {
    const { connector } = session;
    const userId = session.user.id;
    const name = connector.manifest.displayName;
    let thirdPartyLogId = stored?.thirdPartyLogId;
    let entries = (stored?.entries ?? []) as unknown as DigestEntry[];
    let returnMessage: ReturnMessage | undefined;
    if (thirdPartyLogId && write.outcomeUnknown && !payload.resendUncertain) {
      throw new UnreconcilableWriteError(
        `Adding a message to the ${name} log was interrupted: it may or may not have been added, and ${name} cannot be asked, so it is not sent again.`,
      );
    }
    for (const message of fresh) {
      entries = sortByTime([...entries.filter((entry) => entry.messageId !== message.entry.messageId), message.entry, ...payload.notes]);
      const { subject, composedLogDetails, sharedSMSLogContent } = this.render(session, payload, entries);
      const params = {
        ...session.context,
        contactInfo: payload.contactInfo,
        message: message.message,
        messages: [message.message],
        additionalSubmission: payload.additionalSubmission,
        composedLogDetails,
        subject,
        ...(sharedSMSLogContent ? { sharedSMSLogContent } : {}),
        ...newestMediaLinks([media?.get(message.key) ?? message.media]),
      };
      const creating = thirdPartyLogId === undefined;
      if (creating) {
        ({ thirdPartyLogId, returnMessage } = await this.createOrReconcile(write, session, payload, params));
      } else {
        try {
          ({ returnMessage } = await connector.updateMessageLog({ ...params, existingMessageLog: { thirdPartyLogId: thirdPartyLogId! } }));
        } catch (error) {
          if (!classifyFailure(error, 'worker').mayHaveLanded) throw error;
          throw new UnreconcilableWriteError(
            `${name} may or may not have added a message to its log (${error instanceof Error ? error.message : String(error)}); it cannot be checked, so it is not sent again.`,
          );
        }
      }
      const logId = thirdPartyLogId!;
      const sent = { subject, body: sharedSMSLogContent?.body ?? composedLogDetails };
      // Ledger first: once it says logged, no retry sends the message again. A flushed
      // commit of its own, since a lost one would mean a second append.
      await this.transactions.runDurably(async (scope) => {
        await this.messageLogs.recordAccepted(
          [{ platform: session.user.platform, userId, messageId: message.key, conversationId: payload.conversationKey, digestKey: payload.digestKey, thirdPartyLogId: logId }],
          scope,
        );
        const storedEntries = entries as unknown as Record<string, unknown>[];
        if (creating) {
          await this.digests.create(
            {
              userId,
              digestKey: payload.digestKey,
              conversationId: payload.conversationKey,
              contactId: payload.contactId,
              logDate: payload.logDate,
              thirdPartyLogId: logId,
              entries: storedEntries,
              sentSubject: sent.subject,
              sentBody: sent.body,
            },
            scope,
          );
        } else {
          await this.digests.replaceEntries(userId, payload.digestKey, storedEntries, sent, scope);
        }
      });
    }
    return { returnMessage, data: { logIds }, record: async () => undefined };
  }

  /**
   * The digest's first CRM write: a create, unless an earlier attempt may have made it
   * (`outcomeUnknown`), in which case the record is looked up by the write's key first.
   */
  private async createOrReconcile(
    write: PendingWriteEntity,
    session: CrmSession,
    payload: DigestWritePayload,
    params: Omit<Parameters<CrmSession['connector']['createMessageLog']>[0], 'idempotencyKey'>,
  ): Promise<{ thirdPartyLogId: string; returnMessage?: ReturnMessage }> {
    const { connector } = session;
    const found = write.outcomeUnknown ? await findCreatedLog(session, write, 'message', payload.contactInfo) : null;
    if (found) {
      this.logger.log(`Reconciled an interrupted digest create as ${found} (user ${session.user.id})`);
      return { thirdPartyLogId: found };
    }
    const created = await connector.createMessageLog({ ...params, idempotencyKey: write.writeKey });
    if (created.logId === undefined || created.logId === null || String(created.logId) === '') {
      throw AppException.crmRequestFailed(connector.name, created.returnMessage?.message ?? 'The CRM did not create the message log.');
    }
    return { thirdPartyLogId: String(created.logId), returnMessage: created.returnMessage };
  }

  /**
   * A user's retry of a failed digest write: sent as it is, and an append that may have
   * landed is sent again (the user chose to), instead of being parked once more.
   */
  async reopen(write: PendingWriteEntity): Promise<Record<string, unknown>> {
    return { ...(write.payload as DigestWritePayload), resendUncertain: true };
  }

  /** Every message of the write is in the ledger: logged, by whichever write carried it. */
  async recorded(write: PendingWriteEntity): Promise<DeliveredWrite | null> {
    const keys = (write.payload as DigestWritePayload).messages.map((m) => m.key);
    const logged = await this.messageLogs.findLoggedIds(write.userId, keys);
    return keys.every((key) => logged.has(key)) ? { data: { logIds: keys } } : null;
  }

  /**
   * Messages queued behind the head join its write: the CRM gets one write for all of them.
   * Not while the head may be a create that landed: it is reconciled with what it carried.
   */
  coalesce(head: PendingWriteEntity, followers: PendingWriteEntity[]): Record<string, unknown> | null {
    if (head.outcomeUnknown) return null;
    const payloads = [head, ...followers].map((write) => write.payload as DigestWritePayload);
    const newest = payloads[payloads.length - 1]!;
    const messages = new Map<string, QueuedMessage>();
    for (const payload of payloads) for (const message of payload.messages) messages.set(message.key, message);
    const merged: DigestWritePayload = {
      ...newest,
      messages: [...messages.values()].sort((a, b) => Date.parse(a.creationTime) - Date.parse(b.creationTime)),
    };
    return merged;
  }

  private render(session: CrmSession, payload: DigestWritePayload, entries: DigestEntry[]) {
    const { logFormat } = session.connector.manifest;
    if (payload.shared) {
      const sharedSMSLogContent: SharedSmsLogContent = composeSharedSmsLog(
        {
          entries: entries.map((entry) => ({ kind: 'message', ...entry }) as SharedSmsEntry),
          contactName: payload.contactInfo.name,
          participants: payload.participants,
          owner: payload.owner,
          assignee: payload.assignee,
          timezone: session.user.timezone,
        },
        logFormat,
        session.userSettings,
      );
      return {
        subject: sharedSMSLogContent.subject,
        composedLogDetails: logFormat === 'custom' ? '' : sharedSMSLogContent.body,
        sharedSMSLogContent,
      };
    }
    const { subject, body } = composeMessageDigest(
      {
        entries,
        contactName: payload.contactInfo.name,
        participants: payload.participants,
        isGroup: payload.isGroup,
        logDate: payload.logDate!,
        timezone: session.user.timezone,
      },
      logFormat,
    );
    return { subject, composedLogDetails: body, sharedSMSLogContent: undefined };
  }
}
