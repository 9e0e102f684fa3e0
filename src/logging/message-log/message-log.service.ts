import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, type ReturnMessage, success, warning } from '../../common/return-message.js';
import type { CrmSession } from '../../auth/crm-session.js';
import type {
  ContactInfo,
  MediaLinks,
  RingCentralMessage,
  SharedSmsLogContent,
} from '../../connectors/crm-connector.interface.js';
import { KeyedLockService, type LockScope } from '../../persistence/keyed-lock.service.js';
import { MessageDigestsRepository } from '../../persistence/repositories/message-digests.repository.js';
import { MessageLogsRepository } from '../../persistence/repositories/message-logs.repository.js';
import { composeMessageDigest, type DigestEntry, sortByTime } from '../compose/message-digest.composer.js';
import { composeSharedSmsLog, type SharedSmsEntry } from '../compose/shared-sms.composer.js';
import { digestPlacement, messageKey, sharedThreadKey } from './digest-key.js';
import type { MessageLogRequestDto } from './dto/message-log-request.dto.js';
import type { MessageLogResponseDto } from './dto/message-log-response.dto.js';
import { mediaLinksOf, newestMediaLinks } from './media-links.js';
import { describe, toDigestEntry, toNoteEntry } from './message-entries.js';

/** One message of the request, with everything decided before any lock is taken. */
interface PlannedMessage {
  message: RingCentralMessage;
  key: string;
  conversationKey: string;
  digestKey: string;
  logDate: string | null;
  creationTime: string;
  /** May hold download links with the RingCentral token: for the connector only. */
  media: MediaLinks;
  entry: DigestEntry;
}

/** What stays the same for every digest of one request. */
interface RequestContext {
  session: CrmSession;
  request: MessageLogRequestDto;
  contactInfo: ContactInfo;
  participants: string[];
  isGroup: boolean;
  shared: boolean;
  receivedAt: string;
}

interface DigestWrite {
  logIds: string[];
  returnMessage?: ReturnMessage;
}

/**
 * POST /messageLog: exactly-once logging of RingCentral messages into daily digests
 * (one CRM activity per conversation and day) or shared SMS threads.
 *
 * Per digest, under a lock on its key: re-read what is already logged, render the
 * whole digest from its stored entries plus the new ones, make ONE CRM call, and only
 * then record the digest and the accepted messages. A CRM failure therefore leaves
 * nothing claimed, and a re-send completes the digest.
 */
@Injectable()
export class MessageLogService {
  private readonly logger = new Logger(MessageLogService.name);

  constructor(
    private readonly messageLogs: MessageLogsRepository,
    private readonly digests: MessageDigestsRepository,
    private readonly locks: KeyedLockService,
  ) {}

  async logMessages(session: CrmSession, request: MessageLogRequestDto): Promise<MessageLogResponseDto> {
    const { logInfo } = request;
    if (logInfo.messages.length === 0) {
      return { successful: false, logIds: [], returnMessage: warning('No message to log.') };
    }
    const shared = logInfo.owner !== undefined;
    if (shared && !logInfo.conversationLogId) {
      throw AppException.invalidRequest('logInfo.conversationLogId is required for shared SMS (logInfo.owner is set).', [
        'logInfo.conversationLogId',
      ]);
    }
    const context = this.requestContext(session, request, shared);
    const planned = this.plan(context);

    // Cheap fast path without any lock: a re-sent batch usually has nothing new.
    const userId = session.user.id;
    const alreadyLogged = await this.messageLogs.findLoggedIds(userId, planned.map((p) => p.key));
    const fresh = planned.filter((p) => !alreadyLogged.has(p.key));
    if (fresh.length === 0) return { successful: true, logIds: [], returnMessage: null };

    const byDigest = new Map<string, PlannedMessage[]>();
    for (const item of fresh) byDigest.set(item.digestKey, [...(byDigest.get(item.digestKey) ?? []), item]);

    const logIds: string[] = [];
    let returnMessage: ReturnMessage | undefined;
    for (const [digestKey, candidates] of byDigest) {
      try {
        const written = await this.locks.withLock(`message-digest|${userId}|${digestKey}`, (scope) =>
          this.writeDigest(context, digestKey, candidates, scope),
        );
        logIds.push(...written.logIds);
        returnMessage = written.returnMessage ?? returnMessage;
      } catch (error) {
        // A refusal from the CRM is a business result: report it with what did get logged.
        if (error instanceof AppException && error.code === AppErrorCode.CrmRequestFailed) {
          this.logger.warn(`CRM refused a message log write (platform ${session.user.platform}, user ${userId})`);
          return { successful: false, logIds, returnMessage: danger(error.message) };
        }
        throw error;
      }
    }
    if (logIds.length === 0) return { successful: true, logIds: [], returnMessage: null };
    return { successful: true, logIds, returnMessage: returnMessage ?? success('Messages logged.') };
  }

  private async writeDigest(
    context: RequestContext,
    digestKey: string,
    candidates: PlannedMessage[],
    scope: LockScope,
  ): Promise<DigestWrite> {
    const { session, request } = context;
    const userId = session.user.id;
    // Another request may have logged some of these while we waited for the lock.
    const logged = await this.messageLogs.findLoggedIds(userId, candidates.map((c) => c.key), scope);
    const fresh = candidates.filter((c) => !logged.has(c.key));
    if (fresh.length === 0) return { logIds: [] };

    const digest = await this.digests.findByKey(userId, digestKey, scope);
    const incoming: DigestEntry[] = [...fresh.map((f) => f.entry), ...this.noteEntries(context)];
    const replaced = new Set(incoming.map((entry) => entry.messageId));
    // Entries are keyed by message id, so a digest stored by an interrupted earlier
    // write is completed rather than repeated.
    const entries = sortByTime([
      ...((digest?.entries ?? []) as unknown as DigestEntry[]).filter((entry) => !replaced.has(entry.messageId)),
      ...incoming,
    ]);

    const first = fresh[0]!;
    const newest = fresh[fresh.length - 1]!;
    const { connector } = session;
    let subject: string;
    let composedLogDetails: string;
    let sharedSMSLogContent: SharedSmsLogContent | undefined;
    if (context.shared) {
      sharedSMSLogContent = composeSharedSmsLog(
        {
          entries: entries.map((entry) => ({ kind: 'message', ...entry }) as SharedSmsEntry),
          contactName: context.contactInfo.name,
          participants: context.participants,
          owner: this.ownerOf(request),
          assignee: request.logInfo.assignee?.name,
          timezone: session.user.timezone,
        },
        connector.manifest.logFormat,
        session.userSettings,
      );
      subject = sharedSMSLogContent.subject;
      composedLogDetails = connector.manifest.logFormat === 'custom' ? '' : sharedSMSLogContent.body;
    } else {
      ({ subject, body: composedLogDetails } = composeMessageDigest(
        {
          entries,
          contactName: context.contactInfo.name,
          participants: context.participants,
          isGroup: context.isGroup,
          logDate: first.logDate!,
          timezone: session.user.timezone,
        },
        connector.manifest.logFormat,
      ));
    }

    const params = {
      ...session.context,
      contactInfo: context.contactInfo,
      message: newest.message,
      messages: fresh.map((f) => f.message),
      additionalSubmission: request.additionalSubmission,
      composedLogDetails,
      subject,
      ...(sharedSMSLogContent ? { sharedSMSLogContent } : {}),
      ...newestMediaLinks(fresh.map((f) => f.media)),
    };
    let thirdPartyLogId: string;
    let returnMessage: ReturnMessage | undefined;
    if (digest) {
      ({ returnMessage } = await connector.updateMessageLog({
        ...params,
        existingMessageLog: { thirdPartyLogId: digest.thirdPartyLogId },
      }));
      thirdPartyLogId = digest.thirdPartyLogId;
    } else {
      const created = await connector.createMessageLog(params);
      if (created.logId === undefined || created.logId === null || String(created.logId) === '') {
        throw AppException.crmRequestFailed(
          connector.name,
          created.returnMessage?.message ?? 'The CRM did not create the message log.',
        );
      }
      thirdPartyLogId = String(created.logId);
      returnMessage = created.returnMessage;
    }

    // The CRM accepted the write. Digest first, ledger second: if we stop between the
    // two, the messages are still unlogged and a re-send merges them by id.
    const storedEntries = entries as unknown as Record<string, unknown>[];
    if (digest) {
      await this.digests.replaceEntries(userId, digestKey, storedEntries, scope);
    } else {
      await this.digests.create(
        {
          userId,
          digestKey,
          conversationId: first.conversationKey,
          contactId: request.contactId,
          logDate: first.logDate,
          thirdPartyLogId,
          entries: storedEntries,
        },
        scope,
      );
    }
    await this.messageLogs.recordAccepted(
      fresh.map((f) => ({
        platform: session.user.platform,
        userId,
        messageId: f.key,
        conversationId: f.conversationKey,
        digestKey,
        thirdPartyLogId,
      })),
      scope,
    );
    this.logger.debug(
      `${digest ? 'Updated' : 'Created'} message log with ${fresh.length} message(s) (platform ${session.user.platform}, user ${userId})`,
    );
    return { logIds: fresh.map((f) => f.key), returnMessage };
  }

  private requestContext(session: CrmSession, request: MessageLogRequestDto, shared: boolean): RequestContext {
    const correspondents = request.logInfo.correspondents;
    const primary = correspondents[0];
    const contactName = request.contactName ?? primary?.name ?? primary?.phoneNumber ?? 'Unknown contact';
    const contactInfo: ContactInfo = {
      id: request.contactId,
      name: contactName,
      ...(request.contactType ? { type: request.contactType } : {}),
      ...(primary?.phoneNumber ? { phoneNumber: primary.phoneNumber, phone: primary.phoneNumber } : {}),
    };
    const others = correspondents.length > 0
      ? correspondents.map((c, i) => describe(i === 0 ? contactName : c.name, c.phoneNumber))
      : [contactName];
    return {
      session,
      request,
      contactInfo,
      participants: [session.user.name, ...others],
      isGroup: correspondents.length > 1,
      shared,
      receivedAt: new Date().toISOString(),
    };
  }

  /** Keys, placement, media and entry of every distinct message, oldest first. */
  private plan(context: RequestContext): PlannedMessage[] {
    const { request, session, isGroup, shared } = context;
    const { logInfo, contactId } = request;
    const seen = new Set<string>();
    const planned: PlannedMessage[] = [];
    for (const message of logInfo.messages as RingCentralMessage[]) {
      const key = messageKey(message.id, contactId, isGroup);
      if (seen.has(key)) continue;
      seen.add(key);
      const creationTime = message.creationTime ?? context.receivedAt;
      const placement = shared
        ? { conversationKey: logInfo.conversationLogId!, logDate: null, digestKey: sharedThreadKey(logInfo.conversationLogId!) }
        : digestPlacement({
            conversationId: message.conversationId ?? logInfo.conversationId ?? `contact-${contactId}`,
            contactId,
            isGroup,
            creationTime,
            timezone: session.user.timezone,
          });
      const media = mediaLinksOf(message, logInfo.rcAccessToken);
      planned.push({
        message,
        key,
        ...placement,
        creationTime,
        media,
        entry: toDigestEntry(message, key, creationTime, media, {
          userName: session.user.name,
          contactName: context.contactInfo.name,
          isGroup,
          timezone: session.user.timezone,
          settings: session.userSettings,
        }),
      });
    }
    return planned.sort((a, b) => Date.parse(a.creationTime) - Date.parse(b.creationTime));
  }

  private noteEntries({ shared, request, receivedAt, session }: RequestContext): DigestEntry[] {
    if (!shared) return [];
    const written = { timezone: session.user.timezone, settings: session.userSettings };
    return (request.logInfo.notes ?? []).map((note) => toNoteEntry(note, receivedAt, written));
  }

  private ownerOf(request: MessageLogRequestDto): { name: string; isCallQueue: boolean } | undefined {
    const owner = request.logInfo.owner;
    if (!owner?.name) return undefined;
    return { name: owner.name, isCallQueue: ['Department', 'CallQueue'].includes(owner.extensionType ?? '') };
  }
}
