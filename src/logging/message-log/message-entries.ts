import { createHash } from 'node:crypto';
import type { MediaLinks, RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import type { UserSettings } from '../../common/user-settings.js';
import { resolveLogOptions } from '../compose/log-settings.js';
import { type DigestEntry, entryStamp } from '../compose/message-digest.composer.js';
import type { SharedSmsEntry } from '../compose/shared-sms.composer.js';
import { storableLinks } from './media-links.js';

interface Party {
  name?: string;
  phoneNumber?: string;
}

export interface EntryContext {
  userName: string;
  contactName: string;
  isGroup: boolean;
  /** Where and how the entry is first written: its stamp and signature stay as they are then. */
  timezone: string;
  settings?: UserSettings;
}

/**
 * How a message reads in a digest. Holds no token: links pass through storableLinks.
 * The stamp and the sender are fixed here, when the message is first added, because a
 * digest re-renders all its stored entries on every write and a setting changed later
 * must only shape the entries added after it.
 */
export function toDigestEntry(
  message: RingCentralMessage,
  messageKey: string,
  creationTime: string,
  media: MediaLinks,
  context: EntryContext,
): DigestEntry {
  return {
    messageId: messageKey,
    // RingCentral's message store calls an MMS "SMS"; the digest says what it holds.
    type: message.type === 'SMS' && (media.imageLink || media.videoLink) ? 'MMS' : message.type,
    direction: message.direction ?? null,
    sender: senderOf(message, context),
    time: creationTime,
    stamp: entryStamp(creationTime, context.timezone, resolveLogOptions(context.settings).messageLog),
    text: message.subject ?? '',
    links: storableLinks(media),
  };
}

export function senderOf(message: RingCentralMessage, { userName, contactName, isGroup, settings }: EntryContext): string {
  const from: Party = message.from ?? {};
  if (message.direction === 'Outbound') {
    // Shared SMS threads say which agent wrote the reply.
    const author = (message.author as Party | undefined)?.name;
    const ringCentralName = resolveLogOptions(settings).messageLog.senderName === 'ringcentral' ? from.name : undefined;
    return author ?? ringCentralName ?? userName;
  }
  return describe(from.name ?? (isGroup ? undefined : contactName), from.phoneNumber);
}

export function describe(name?: string, phoneNumber?: string): string {
  if (name && phoneNumber) return `${name} (${phoneNumber})`;
  return name || phoneNumber || 'Unknown';
}

/** Notes have no ledger row; a stable id lets a re-sent note replace itself instead of repeating. */
export function toNoteEntry(
  note: { id?: string | number; text: string; creationTime?: string; author?: Party },
  fallbackTime: string,
  written: { timezone: string; settings?: UserSettings },
): SharedSmsEntry {
  const time = note.creationTime ?? fallbackTime;
  const id = note.id !== undefined ? String(note.id) : createHash('sha256').update(`${note.creationTime ?? ''}\n${note.text}`).digest('hex').slice(0, 24);
  return {
    kind: 'note',
    messageId: `note:${id}`,
    type: 'Note',
    direction: null,
    sender: note.author?.name ?? 'Agent',
    time,
    stamp: entryStamp(time, written.timezone, resolveLogOptions(written.settings).messageLog),
    text: note.text,
    links: [],
  };
}
