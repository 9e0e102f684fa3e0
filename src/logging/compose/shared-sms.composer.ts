import { inUserTimezone } from '../../common/timezone.js';
import type { LogFormat, SharedSmsLogContent } from '../../connectors/crm-connector.interface.js';
import type { UserSettings } from '../../common/user-settings.js';
import { type LogBlock, renderLogDocument } from './log-document.js';
import { resolveLogOptions } from './log-settings.js';
import { type DigestEntry, entryBlocks, sortByTime } from './message-digest.composer.js';

/** A shared thread holds messages and the agents' internal notes. */
export interface SharedSmsEntry extends DigestEntry {
  kind: 'message' | 'note';
}

export interface SharedSmsInput {
  entries: SharedSmsEntry[];
  contactName: string;
  participants: string[];
  /** The owning agent, or the call queue the thread arrived on. */
  owner?: { name: string; isCallQueue: boolean };
  /** Assignment hint: who the thread is assigned to now. */
  assignee?: string;
  timezone: string;
}

/**
 * The shared SMS thread activity ({ subject, body }). Connectors with a 'custom'
 * format still get a plain-text body here: shared threads have no per-message
 * parameters to build one from.
 */
export function composeSharedSmsLog(input: SharedSmsInput, format: LogFormat, settings: UserSettings = {}): SharedSmsLogContent {
  const subject = `SMS conversation with ${input.contactName}`;
  const entries = sortByTime(input.entries);
  const messages = entries.filter((entry) => entry.kind === 'message');
  const notes = entries.length - messages.length;
  // The thread's span is re-rendered on every write, so it follows the current format;
  // the entries below keep the stamp they were first written with.
  const { threadTimeFormat } = resolveLogOptions(settings).messageLog;
  const at = (time: string) => inUserTimezone(time, input.timezone).format(threadTimeFormat);
  const blocks: LogBlock[] = [{ kind: 'heading', text: subject }];
  if (entries.length > 0) {
    blocks.push({ kind: 'field', label: 'Started', value: at(entries[0]!.time) });
    blocks.push({ kind: 'field', label: 'Last activity', value: at(entries[entries.length - 1]!.time) });
  }
  blocks.push({ kind: 'list', label: 'Participants', items: input.participants });
  if (input.owner) {
    blocks.push({ kind: 'field', label: input.owner.isCallQueue ? 'Receiving call queue' : 'Owner', value: input.owner.name });
  }
  if (input.assignee) blocks.push({ kind: 'field', label: 'Assigned to', value: input.assignee });
  blocks.push({
    kind: 'field',
    label: 'Conversation',
    value: `${messages.length} message${messages.length === 1 ? '' : 's'}${notes ? `, ${notes} note${notes === 1 ? '' : 's'}` : ''}`,
  });
  blocks.push({ kind: 'separator' });
  for (const entry of entries) {
    blocks.push(...entryBlocks(entry, input.timezone, entry.kind === 'note' ? 'Note by ' : ''));
  }
  return { subject, body: renderLogDocument(blocks, format === 'custom' ? 'text/plain' : format) };
}
