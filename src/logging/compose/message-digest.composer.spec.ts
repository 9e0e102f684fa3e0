import { composeMessageDigest, type DigestEntry, type MessageDigestInput } from './message-digest.composer.js';

const entry = (overrides: Partial<DigestEntry>): DigestEntry => ({
  messageId: '1',
  type: 'SMS',
  direction: 'Inbound',
  sender: 'Jane Smith (+14155550100)',
  time: '2026-06-24T03:15:00.000Z',
  text: 'Hello',
  links: [],
  ...overrides,
});

const input = (overrides: Partial<MessageDigestInput> = {}): MessageDigestInput => ({
  entries: [
    entry({ messageId: '2', direction: 'Outbound', sender: 'Demo User', time: '2026-06-24T05:00:00.000Z', text: 'Reply' }),
    entry({ messageId: '1' }),
  ],
  contactName: 'Jane Smith',
  participants: ['Demo User', 'Jane Smith (+14155550100)'],
  isGroup: false,
  logDate: '2026-06-24',
  timezone: 'UTC',
  ...overrides,
});

describe('composeMessageDigest', () => {
  it('renders the whole digest in text/plain, oldest first, times in the user timezone', () => {
    const { subject, body } = composeMessageDigest(input({ timezone: 'Asia/Tokyo', logDate: '2026-06-24' }), 'text/plain');
    expect(subject).toBe('SMS conversation with Jane Smith - 2026-06-24');
    expect(body).toBe(
      [
        'SMS conversation with Jane Smith - 2026-06-24',
        'Conversation summary: Wednesday, June 24, 2026',
        'Participants:',
        '- Demo User',
        '- Jane Smith (+14155550100)',
        'Messages: 2',
        '----',
        'Jane Smith (+14155550100) · 12:15 PM:',
        'Hello',
        'Demo User · 02:00 PM:',
        'Reply',
      ].join('\n'),
    );
  });

  it('renders text/html with every user string escaped', () => {
    const { body } = composeMessageDigest(
      input({ entries: [entry({ text: '<script>alert(1)</script>', sender: 'Eve <evil@x>' })], contactName: 'A&B' }),
      'text/html',
    );
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('Eve &lt;evil@x&gt;');
    expect(body).toContain('SMS conversation with A&amp;B');
    expect(body).not.toContain('<script>');
    expect(body.startsWith('<p><b>')).toBe(true);
  });

  it('renders text/markdown with markup neutralised', () => {
    const { body } = composeMessageDigest(input({ entries: [entry({ text: '<script>**bold**</script>' })] }), 'text/markdown');
    expect(body).toContain('### SMS conversation with Jane Smith \\- 2026\\-06\\-24');
    expect(body).toContain('\\<script\\>\\*\\*bold\\*\\*\\</script\\>');
    expect(body).not.toContain('<script>');
  });

  it('renders media links as links', () => {
    const links = [{ label: 'Voicemail recording', url: 'https://view/vm/1' }];
    const voicemail = input({ entries: [entry({ type: 'VoiceMail', text: '', links })] });
    const plain = composeMessageDigest(voicemail, 'text/plain');
    expect(plain.subject).toBe('Voicemail from Jane Smith - 2026-06-24');
    expect(plain.body).toContain('Jane Smith (+14155550100) · 03:15 AM · Voicemail:\n(voicemail)\nVoicemail recording: https://view/vm/1');
    expect(composeMessageDigest(voicemail, 'text/html').body).toContain('<a href="https://view/vm/1">https://view/vm/1</a>');
    expect(composeMessageDigest(voicemail, 'text/markdown').body).toContain('(https://view/vm/1)');
  });

  it('names fax and group digests', () => {
    expect(composeMessageDigest(input({ entries: [entry({ type: 'Fax', direction: 'Outbound' })] }), 'text/plain').subject).toBe(
      'Fax sent to Jane Smith - 2026-06-24',
    );
    expect(composeMessageDigest(input({ isGroup: true }), 'text/plain').subject).toBe('Group SMS conversation with Jane Smith - 2026-06-24');
  });

  it('leaves the body to the connector for a custom format', () => {
    expect(composeMessageDigest(input(), 'custom')).toEqual({ subject: 'SMS conversation with Jane Smith - 2026-06-24', body: '' });
  });
});
