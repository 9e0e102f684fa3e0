import type { ComposedLogFormat } from '../../config/app-config.js';
import type { UserSettings } from '../../common/user-settings.js';
import { type CallLogFacts, composeCallLog } from './call-log.composer.js';
import { escapeHtml, escapeMarkdown } from './escape.js';

/** Every fact set, each value unique in the body, so a block's absence is visible. */
const facts: CallLogFacts = {
  subject: 'Outbound call to Jane Smith',
  direction: 'Outbound',
  startTime: '2026-06-24T14:30:00.000Z',
  duration: 125,
  result: 'Call connected',
  contactName: 'Jane Smith',
  contactNumber: '+14155550100',
  note: 'Discussed renewal',
  recordingLink: 'https://example.com/recording/123',
  aiNote: 'Customer wants a quote',
  transcript: 'Agent: hello',
  legs: [{ direction: 'Outbound', action: 'VoIP Call', result: 'Accepted', duration: 60, from: { extensionNumber: '101' }, to: { name: 'Jane Smith' } }],
  sessionId: 'S-4242',
  ringCentralUserName: 'Rita Agent',
  ringCentralNumber: '+16505550199',
  ringCentralExtension: '205',
  ringSenseTranscript: 'RingSense says hello',
  ringSenseSummary: 'Renewal discussed',
  ringSenseAIScore: { overall: 87 },
  ringSenseBulletedSummary: '* renewal terms\n* send pricing',
  ringSenseLink: 'https://ringsense.example.com/c/1',
};

type Renderer = {
  field(label: string, value: string): string;
  text(label: string, text: string): string;
  link(label: string, url: string): string;
  list(label: string, item: string): string;
  /** Matches the block's label wherever the format would write it. */
  label(label: string): RegExp;
  value(value: string): string;
};

const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How each format writes one block: the expectations, written out independently of the renderer. */
const formats: Record<ComposedLogFormat, Renderer> = {
  'text/plain': {
    field: (l, v) => `${l}: ${v}`,
    text: (l, t) => `${l}:\n${t}`,
    link: (l, u) => `${l}: ${u}`,
    list: (l, item) => `${l}:\n- ${item}`,
    label: (l) => new RegExp(`(^|\\n)${re(l)}:`),
    value: (v) => v,
  },
  'text/html': {
    field: (l, v) => `<p><b>${l}</b>: ${escapeHtml(v)}</p>`,
    text: (l, t) => `<p><b>${l}</b>:<br>${t.split('\n').map(escapeHtml).join('<br>')}</p>`,
    link: (l, u) => `<p><b>${l}</b>: <a href="${u}">${u}</a></p>`,
    list: (l, item) => `<p><b>${l}</b>:</p><ul><li>${escapeHtml(item)}</li></ul>`,
    label: (l) => new RegExp(`<b>${re(l)}</b>`),
    value: (v) => escapeHtml(v),
  },
  'text/markdown': {
    field: (l, v) => `**${l}**: ${escapeMarkdown(v)}  `,
    text: (l, t) => `**${l}**:  \n${t.split('\n').map(escapeMarkdown).join('  \n')}  `,
    link: (l, u) => `**${l}**: [${escapeMarkdown(u)}](${u})  `,
    list: (l, item) => `**${l}**:\n- ${escapeMarkdown(item)}`,
    label: (l) => new RegExp(`\\*\\*${re(l)}\\*\\*`),
    value: (v) => escapeMarkdown(v),
  },
};

interface KeyCase {
  key: string;
  /** App Connect's default for the key. */
  byDefault: boolean;
  label: string;
  /** The block as the format writes it when the key is on. */
  block(r: Renderer): string;
  /** The text that must be gone when the key is off (besides the label). */
  gone: string;
}

const keyCases: KeyCase[] = [
  { key: 'addCallLogNote', byDefault: true, label: 'Agent notes', block: (r) => r.text('Agent notes', 'Discussed renewal'), gone: 'Discussed renewal' },
  { key: 'addCallLogSubject', byDefault: true, label: 'Summary', block: (r) => r.field('Summary', 'Outbound call to Jane Smith'), gone: 'Outbound call to Jane Smith' },
  { key: 'addCallLogDateTime', byDefault: true, label: 'Date/Time', block: (r) => r.field('Date/Time', '2026-06-24 02:30:00 PM'), gone: '02:30:00' },
  { key: 'addCallLogDuration', byDefault: true, label: 'Duration', block: (r) => r.field('Duration', '2 minutes 5 seconds'), gone: '2 minutes 5 seconds' },
  { key: 'addCallLogResult', byDefault: true, label: 'Result', block: (r) => r.field('Result', 'Call connected'), gone: 'Call connected' },
  { key: 'addCallLogRecording', byDefault: true, label: 'Call recording', block: (r) => r.link('Call recording', 'https://example.com/recording/123'), gone: 'recording/123' },
  { key: 'addCallLogAiNote', byDefault: true, label: 'AI note', block: (r) => r.text('AI note', 'Customer wants a quote'), gone: 'Customer wants a quote' },
  { key: 'addCallLogTranscript', byDefault: true, label: 'Transcript', block: (r) => r.text('Transcript', 'Agent: hello'), gone: 'Agent: hello' },
  {
    key: 'addCallLogLegs',
    byDefault: true,
    label: 'Call journey',
    block: (r) => r.list('Call journey', 'Outbound VoIP Call: ext. 101 -> Jane Smith (Accepted, 1 minute)'),
    gone: 'VoIP Call',
  },
  { key: 'addCallSessionId', byDefault: false, label: 'Session ID', block: (r) => r.field('Session ID', 'S-4242'), gone: 'S-4242' },
  { key: 'addRingCentralUserName', byDefault: false, label: 'RingCentral user', block: (r) => r.field('RingCentral user', 'Rita Agent'), gone: 'Rita Agent' },
  {
    key: 'addRingCentralNumber',
    byDefault: false,
    label: 'RingCentral number',
    block: (r) => r.field('RingCentral number', '+16505550199 (ext. 205)'),
    gone: '16505550199',
  },
  {
    key: 'addCallLogRingSenseRecordingTranscript',
    byDefault: true,
    label: 'RingSense transcript',
    block: (r) => r.text('RingSense transcript', 'RingSense says hello'),
    gone: 'RingSense says hello',
  },
  {
    key: 'addCallLogRingSenseRecordingSummary',
    byDefault: true,
    label: 'RingSense summary',
    block: (r) => r.text('RingSense summary', 'Renewal discussed'),
    gone: 'Renewal discussed',
  },
  { key: 'addCallLogRingSenseRecordingAIScore', byDefault: true, label: 'Call score', block: (r) => r.field('Call score', 'overall: 87'), gone: 'overall' },
  {
    key: 'addCallLogRingSenseRecordingBulletedSummary',
    byDefault: true,
    label: 'RingSense bulleted summary',
    block: (r) => r.text('RingSense bulleted summary', '* renewal terms\n* send pricing'),
    gone: 'send pricing',
  },
  {
    key: 'addCallLogRingSenseRecordingLink',
    byDefault: true,
    label: 'RingSense recording',
    block: (r) => r.link('RingSense recording', 'https://ringsense.example.com/c/1'),
    gone: 'ringsense.example.com',
  },
];

const setting = (key: string, value: unknown): UserSettings => ({ [key]: { value } });
const formatNames = Object.keys(formats) as ComposedLogFormat[];
const cases = keyCases.flatMap((c) => formatNames.map((format) => ({ ...c, format })));

describe('composeCallLog honours each setting key in each format', () => {
  it.each(cases)('$key in $format: on writes the block, off leaves it out', ({ key, format, label, block, gone }) => {
    const r = formats[format];
    const on = composeCallLog(facts, format, 'UTC', setting(key, true));
    const off = composeCallLog(facts, format, 'UTC', setting(key, false));
    expect(on).toContain(block(r));
    expect(off).not.toMatch(r.label(label));
    expect(off).not.toContain(r.value(gone));
    // Only that block goes: the heading and the other blocks stay.
    expect(off).toMatch(r.label('Contact'));
    expect(off.length).toBeLessThan(on.length);
  });

  it.each(cases)("$key in $format: App Connect's default applies without the setting", ({ key, format, label, byDefault }) => {
    const body = composeCallLog(facts, format, 'UTC', {});
    const expected = composeCallLog(facts, format, 'UTC', setting(key, byDefault));
    expect(body).toBe(expected);
    if (byDefault) expect(body).toMatch(formats[format].label(label));
    else expect(body).not.toMatch(formats[format].label(label));
  });

  it.each(formatNames)('addCallLogContactNumber in %s: the number joins the contact name only when on (off by default)', (format) => {
    const r = formats[format];
    const on = composeCallLog(facts, format, 'UTC', setting('addCallLogContactNumber', true));
    expect(on).toContain(r.field('Contact', 'Jane Smith (+14155550100)'));
    for (const body of [composeCallLog(facts, format, 'UTC', setting('addCallLogContactNumber', false)), composeCallLog(facts, format, 'UTC')]) {
      expect(body).toContain(r.field('Contact', 'Jane Smith'));
      expect(body).not.toContain(r.value('+14155550100'));
    }
    // With no name, the number is the whole contact line, or no line at all.
    const numberOnly = { ...facts, contactName: undefined };
    expect(composeCallLog(numberOnly, format, 'UTC', setting('addCallLogContactNumber', true))).toContain(r.field('Contact', '+14155550100'));
    expect(composeCallLog(numberOnly, format, 'UTC')).not.toMatch(r.label('Contact'));
  });

  it.each(formatNames)('addCallLogRecording in %s also governs the voicemail link', (format) => {
    const voicemail = { ...facts, recordingLink: undefined, voicemailLink: 'https://example.com/vm/9' };
    const r = formats[format];
    expect(composeCallLog(voicemail, format, 'UTC')).toContain(r.link('Voicemail', 'https://example.com/vm/9'));
    expect(composeCallLog(voicemail, format, 'UTC', setting('addCallLogRecording', false))).not.toContain('vm/9');
  });

  it.each(formatNames)('logDateFormat in %s: the pattern the user chose, in their timezone; default YYYY-MM-DD hh:mm:ss A', (format) => {
    const r = formats[format];
    expect(composeCallLog(facts, format, 'Asia/Tokyo')).toContain(r.field('Date/Time', '2026-06-24 11:30:00 PM'));
    const chosen = composeCallLog(facts, format, 'Asia/Tokyo', setting('logDateFormat', 'DD/MM/YYYY HH:mm [JST]'));
    expect(chosen).toContain(r.field('Date/Time', '24/06/2026 23:30 JST'));
    expect(chosen).not.toContain('11:30:00 PM');
  });

  it.each(formatNames)('the RingCentral number in %s reads as the extension alone when there is no number', (format) => {
    const body = composeCallLog({ ...facts, ringCentralNumber: undefined }, format, 'UTC', setting('addRingCentralNumber', true));
    expect(body).toContain(formats[format].field('RingCentral number', 'ext. 205'));
  });

  it('a key switched off leaves out only its block: the rest of the body is byte for byte the same', () => {
    const all = Object.fromEntries(keyCases.map(({ key }) => [key, { value: true }]));
    const full = composeCallLog(facts, 'text/plain', 'UTC', all).split('\n');
    const withoutNote = composeCallLog(facts, 'text/plain', 'UTC', { ...all, addCallLogNote: { value: false } }).split('\n');
    expect(withoutNote).toEqual(full.filter((line) => line !== 'Agent notes:' && line !== 'Discussed renewal'));
  });

  it('every block off leaves the heading and the contact', () => {
    const none = Object.fromEntries(keyCases.map(({ key }) => [key, { value: false }]));
    expect(composeCallLog(facts, 'text/plain', 'UTC', none)).toBe('Call details\nContact: Jane Smith');
  });
});
