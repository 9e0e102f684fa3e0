import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { danger, type ReturnMessage, success, warning } from '../../common/return-message.js';
import type { CrmSession } from '../../auth/crm-session.js';
import type { ContactInfo, MediaLinks, RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { queuedNotice } from '../../delivery/queued-notice.js';
import { MessageLogsRepository } from '../../persistence/repositories/message-logs.repository.js';
import type { DigestEntry } from '../compose/message-digest.composer.js';
import { digestPlacement, messageKey, sharedThreadKey } from './digest-key.js';
import type { MessageLogRequestDto } from './dto/message-log-request.dto.js';
import type { MessageLogResponseDto } from './dto/message-log-response.dto.js';
import { mediaLinksOf } from './media-links.js';
import { describe, toDigestEntry, toNoteEntry } from './message-entries.js';
import {
  DIGEST_WRITE,
  type DigestVolatile,
  type DigestWritePayload,
  digestTarget,
} from './message-digest.write-handler.js';

/** One message of the request, with everything decided before anything is written. */
interface PlannedMessage {
  message: RingCentralMessage;
  key: string;
  conversationKey: string;
  digestKey: string;
  logDate: string | null;
  creationTime: string;
  /** May hold download links with the RingCentral token: for the connector only. */
  media: MediaLinks;
  /** The same links without the token: what may be stored. */
  storableMedia: MediaLinks;
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

/**
 * POST /messageLog: exactly-once logging of RingCentral messages into daily digests
 * (one CRM activity per conversation and day) or shared SMS threads.
 *
 * Per digest, the new messages are recorded as one write in the outbox and delivered
 * through the delivery service: one CRM call per digest, in order per digest, with no
 * lock or connection held during it (see MessageDigestWriteHandler). A CRM refusal
 * claims nothing, so a re-send completes the digest; a CRM outage leaves the messages
 * queued and the answer says so: they are kept and logged by the outbox worker.
 */
@Injectable()
export class MessageLogService {
  private readonly logger = new Logger(MessageLogService.name);

  constructor(
    private readonly messageLogs: MessageLogsRepository,
    private readonly delivery: DeliveryService,
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

    // A re-sent batch usually has nothing new; what is new is checked again at delivery.
    const userId = session.user.id;
    const alreadyLogged = await this.messageLogs.findLoggedIds(userId, planned.map((p) => p.key));
    const fresh = planned.filter((p) => !alreadyLogged.has(p.key));
    if (fresh.length === 0) return { successful: true, logIds: [], returnMessage: null };

    const byDigest = new Map<string, PlannedMessage[]>();
    for (const item of fresh) byDigest.set(item.digestKey, [...(byDigest.get(item.digestKey) ?? []), item]);

    const logIds: string[] = [];
    let returnMessage: ReturnMessage | undefined;
    let queued: string | undefined;
    for (const [digestKey, messages] of byDigest) {
      const outcome = await this.delivery.submit(
        session,
        { kind: DIGEST_WRITE, targetKey: digestTarget(digestKey), payload: this.payloadOf(context, digestKey, messages) },
        { media: new Map(messages.map((m) => [m.key, m.media])) } satisfies DigestVolatile,
      );
      if (outcome.status === 'refused') {
        // A refusal from the CRM is a business result: report it with what did get logged.
        this.logger.warn(`CRM refused a message log write (platform ${session.user.platform}, user ${userId})`);
        return { successful: false, logIds, returnMessage: danger(outcome.reason) };
      }
      if (outcome.status === 'queued') {
        // Recorded in the outbox, so acknowledged: the worker logs them.
        logIds.push(...messages.map((m) => m.key));
        queued = outcome.reason ?? queued ?? '';
        continue;
      }
      // The write may have carried earlier queued messages too: answer for this request's own.
      const delivered = new Set((outcome.data?.logIds as string[] | undefined) ?? []);
      logIds.push(...messages.filter((m) => delivered.has(m.key)).map((m) => m.key));
      returnMessage = outcome.returnMessage ?? returnMessage;
    }
    if (queued !== undefined) {
      return {
        successful: true,
        logIds,
        returnMessage: queuedNotice(queued, 'The messages are', session.connector.manifest.displayName),
      };
    }
    if (logIds.length === 0) return { successful: true, logIds: [], returnMessage: null };
    return { successful: true, logIds, returnMessage: returnMessage ?? success('Messages logged.') };
  }

  private payloadOf(context: RequestContext, digestKey: string, messages: PlannedMessage[]): DigestWritePayload {
    const { request } = context;
    const first = messages[0]!;
    const owner = this.ownerOf(request);
    const assignee = request.logInfo.assignee?.name;
    return {
      digestKey,
      conversationKey: first.conversationKey,
      logDate: first.logDate,
      contactId: request.contactId,
      contactInfo: context.contactInfo,
      participants: context.participants,
      isGroup: context.isGroup,
      shared: context.shared,
      ...(owner ? { owner } : {}),
      ...(assignee ? { assignee } : {}),
      ...(request.additionalSubmission ? { additionalSubmission: request.additionalSubmission } : {}),
      notes: this.noteEntries(context),
      messages: messages.map((m) => ({
        key: m.key,
        message: m.message,
        entry: m.entry,
        creationTime: m.creationTime,
        media: m.storableMedia,
      })),
    };
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
        storableMedia: mediaLinksOf(message),
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
