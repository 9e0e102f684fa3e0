import type { ComposedLogFormat } from '../../config/app-config.js';
import type { UserSettings } from '../../common/user-settings.js';
import type { RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import { type EntryContext, toDigestEntry, toNoteEntry } from '../message-log/message-entries.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { composeMessageDigest, type DigestEntry, type MessageDigestInput } from './message-digest.composer.js';
import { composeSharedSmsLog, type SharedSmsEntry } from './shared-sms.composer.js';

const FORMATS: ComposedLogFormat[] = ['text/plain', 'text/html', 'text/markdown'];
/** An entry's label line as each format writes it. */
const labelOf: Record<ComposedLogFormat, (label: string) => string> = {
  'text/plain': (label) => `${label}:\n`,
  'text/html': (label) => `<p><b>${escapeHtml(label)}</b>:<br>`,
  'text/markdown': (label) => `**${escapeMarkdown(label)}**:  \n`,
};
const fieldOf: Record<ComposedLogFormat, (label: string, value: string) => string> = {
  'text/plain': (label, value) => `${label}: ${value}`,
  'text/html': (label, value) => `<p><b>${label}</b>: ${escapeHtml(value)}</p>`,
  'text/markdown': (label, value) => `**${label}**: ${escapeMarkdown(value)}  `,
};

const JANE = { name: 'Jane Smith', phoneNumber: '+14155550100' };
const ME = { name: 'Rita RingCentral', phoneNumber: '+16505550199' };
const sms = (id: number, creationTime: string, direction: 'Inbound' | 'Outbound', extra: Partial<RingCentralMessage> = {}): RingCentralMessage => ({
  id,
  type: 'SMS',
  direction,
  from: direction === 'Inbound' ? JANE : ME,
  to: [direction === 'Inbound' ? ME : JANE],
  subject: `message ${id}`,
  creationTime,
  ...extra,
});

const context = (settings: UserSettings = {}, timezone = 'Asia/Tokyo'): EntryContext => ({
  userName: 'Carl CRM',
  contactName: 'Jane Smith',
  isGroup: false,
  timezone,
  settings,
});
const entryOf = (message: RingCentralMessage, settings?: UserSettings, timezone?: string): DigestEntry =>
  toDigestEntry(message, String(message.id), message.creationTime!, {}, context(settings, timezone));

const digest = (entries: DigestEntry[], overrides: Partial<MessageDigestInput> = {}): MessageDigestInput => ({
  entries,
  contactName: 'Jane Smith',
  participants: ['Carl CRM', 'Jane Smith (+14155550100)'],
  isGroup: false,
  logDate: '2026-06-24',
  timezone: 'Asia/Tokyo',
  ...overrides,
});

const DOTTED = { logDateFormat: { value: 'DD.MM.YYYY HH:mm' } };

describe('message digests honour logDateFormat, fixed when each entry is first added', () => {
  it.each(FORMATS)('%s: without a format an entry shows its time; with one, the chosen pattern', (format) => {
    const message = sms(1, '2026-06-24T03:15:00.000Z', 'Inbound');
    const plain = composeMessageDigest(digest([entryOf(message)]), format).body;
    expect(plain).toContain(labelOf[format]('Jane Smith (+14155550100) · 12:15 PM'));
    const dotted = composeMessageDigest(digest([entryOf(message, DOTTED)]), format).body;
    expect(dotted).toContain(labelOf[format]('Jane Smith (+14155550100) · 24.06.2026 12:15'));
    expect(dotted).not.toContain('12:15 PM');
  });

  it.each(FORMATS)('%s: a format chosen later shapes the entries added after it, never the past ones', (format) => {
    const before = entryOf(sms(1, '2026-06-24T03:15:00.000Z', 'Inbound'));
    const after = entryOf(sms(2, '2026-06-24T05:00:00.000Z', 'Inbound'), DOTTED);
    // The re-render of the whole digest (what the CRM receives on the PATCH) holds both forms.
    const body = composeMessageDigest(digest([before, after]), format).body;
    expect(body).toContain(labelOf[format]('Jane Smith (+14155550100) · 12:15 PM'));
    expect(body).toContain(labelOf[format]('Jane Smith (+14155550100) · 24.06.2026 14:00'));
  });

  it('an entry keeps the timezone it was first written in, and an entry stored before stamps keeps the default', () => {
    const tokyo = entryOf(sms(1, '2026-06-24T03:15:00.000Z', 'Inbound'), {}, 'Asia/Tokyo');
    const { stamp: _unused, ...legacy } = entryOf(sms(2, '2026-06-24T04:00:00.000Z', 'Inbound'));
    const body = composeMessageDigest(digest([tokyo, legacy], { timezone: 'UTC' }), 'text/plain').body;
    expect(body).toContain('Jane Smith (+14155550100) · 12:15 PM:');
    expect(body).toContain('Jane Smith (+14155550100) · 04:00 AM:');
  });

  it.each(FORMATS)("%s: the user's own messages are signed with their RingCentral name unless addRingCentralUserName is off", (format) => {
    const mine = sms(3, '2026-06-24T06:00:00.000Z', 'Outbound');
    const rc = composeMessageDigest(digest([entryOf(mine)]), format).body;
    expect(rc).toContain(labelOf[format]('Rita RingCentral · 03:00 PM'));
    expect(composeMessageDigest(digest([entryOf(mine, { addRingCentralUserName: { value: true } })]), format).body).toBe(rc);
    const crm = composeMessageDigest(digest([entryOf(mine, { addRingCentralUserName: { value: false } })]), format).body;
    expect(crm).toContain(labelOf[format]('Carl CRM · 03:00 PM'));
    expect(crm).not.toContain('Rita');
    // The contact's own messages are never renamed.
    const theirs = entryOf(sms(4, '2026-06-24T06:01:00.000Z', 'Inbound'), { addRingCentralUserName: { value: false } });
    expect(theirs.sender).toBe('Jane Smith (+14155550100)');
  });
});

describe('shared SMS threads honour logDateFormat and the user-name setting', () => {
  const shared = (entries: DigestEntry[], settings?: UserSettings, format: ComposedLogFormat = 'text/plain') =>
    composeSharedSmsLog(
      {
        entries: entries.map((entry) => ({ kind: 'message', ...entry }) as SharedSmsEntry),
        contactName: 'Jane Smith',
        participants: ['Carl CRM', 'Jane Smith (+14155550100)'],
        timezone: 'Asia/Tokyo',
      },
      format,
      settings,
    ).body;

  it.each(FORMATS)("%s: the thread's span follows the current format; entries keep their first stamp", (format) => {
    const first = entryOf(sms(1, '2026-09-01T00:00:00.000Z', 'Inbound'));
    const later = entryOf(sms(2, '2026-09-01T01:30:00.000Z', 'Inbound'), DOTTED);
    const byDefault = shared([first, later], {}, format);
    expect(byDefault).toContain(fieldOf[format]('Started', '2026-09-01 09:00 AM'));
    expect(byDefault).toContain(fieldOf[format]('Last activity', '2026-09-01 10:30 AM'));
    const dotted = shared([first, later], DOTTED, format);
    expect(dotted).toContain(fieldOf[format]('Started', '01.09.2026 09:00'));
    expect(dotted).toContain(fieldOf[format]('Last activity', '01.09.2026 10:30'));
    for (const body of [byDefault, dotted]) {
      expect(body).toContain(labelOf[format]('Jane Smith (+14155550100) · 09:00 AM'));
      expect(body).toContain(labelOf[format]('Jane Smith (+14155550100) · 01.09.2026 10:30'));
    }
  });

  it.each(FORMATS)('%s: a note is stamped in the format of the moment it is first added', (format) => {
    const note = toNoteEntry(
      { id: 'n1', text: 'VIP', creationTime: '2026-09-01T00:10:00.000Z', author: { name: 'Agent Amy' } },
      '2026-09-01T00:10:00.000Z',
      { timezone: 'Asia/Tokyo', settings: DOTTED },
    );
    expect(note.stamp).toBe('01.09.2026 09:10');
    const body = composeSharedSmsLog({ entries: [note], contactName: 'Jane Smith', participants: [], timezone: 'UTC' }, format).body;
    expect(body).toContain(labelOf[format]('Note by Agent Amy · 01.09.2026 09:10'));
  });

  it("keeps the agent who wrote a reply whatever the user-name setting: a shared thread's replies come from several agents", () => {
    const reply = sms(5, '2026-09-01T02:00:00.000Z', 'Outbound', { author: { name: 'Agent Amy' } });
    expect(entryOf(reply, { addRingCentralUserName: { value: false } }).sender).toBe('Agent Amy');
    expect(entryOf(reply).sender).toBe('Agent Amy');
  });
});
