import { composeSharedSmsLog, type SharedSmsEntry, type SharedSmsInput } from './shared-sms.composer.js';

const entry = (overrides: Partial<SharedSmsEntry>): SharedSmsEntry => ({
  kind: 'message',
  messageId: '1',
  type: 'SMS',
  direction: 'Inbound',
  sender: 'Jane Smith (+14155550100)',
  time: '2026-09-01T09:00:00.000Z',
  text: 'Need help',
  links: [],
  ...overrides,
});

const input = (overrides: Partial<SharedSmsInput> = {}): SharedSmsInput => ({
  entries: [
    entry({ messageId: '2', direction: 'Outbound', sender: 'Agent Amy', time: '2026-09-01T09:30:00.000Z', text: 'On it' }),
    entry({ kind: 'note', messageId: 'note:n1', type: 'Note', direction: null, sender: 'Agent Amy', time: '2026-09-01T09:10:00.000Z', text: 'VIP' }),
    entry({}),
  ],
  contactName: 'Jane Smith',
  participants: ['Demo User', 'Jane Smith (+14155550100)'],
  owner: { name: 'Support Queue', isCallQueue: true },
  assignee: 'Agent Amy',
  timezone: 'America/New_York',
  ...overrides,
});

describe('composeSharedSmsLog', () => {
  it('renders participants, call queue, assignment, notes and messages in text/plain', () => {
    const { subject, body } = composeSharedSmsLog(input(), 'text/plain');
    expect(subject).toBe('SMS conversation with Jane Smith');
    expect(body).toBe(
      [
        'SMS conversation with Jane Smith',
        'Started: 2026-09-01 05:00 AM',
        'Last activity: 2026-09-01 05:30 AM',
        'Participants:',
        '- Demo User',
        '- Jane Smith (+14155550100)',
        'Receiving call queue: Support Queue',
        'Assigned to: Agent Amy',
        'Conversation: 2 messages, 1 note',
        '----',
        'Jane Smith (+14155550100) · 05:00 AM:',
        'Need help',
        'Note by Agent Amy · 05:10 AM:',
        'VIP',
        'Agent Amy · 05:30 AM:',
        'On it',
      ].join('\n'),
    );
  });

  it('says Owner for an agent-owned thread and omits what is unknown', () => {
    const { body } = composeSharedSmsLog(input({ owner: { name: 'Agent Bob', isCallQueue: false }, assignee: undefined }), 'text/plain');
    expect(body).toContain('Owner: Agent Bob');
    expect(body).not.toContain('Assigned to');
    expect(composeSharedSmsLog(input({ owner: undefined }), 'text/plain').body).not.toMatch(/Owner|call queue/);
  });

  it('escapes user text in text/html', () => {
    const { body } = composeSharedSmsLog(
      input({ entries: [entry({ text: '<script>alert(1)</script>' })], owner: { name: '<b>Queue</b>', isCallQueue: true } }),
      'text/html',
    );
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&lt;b&gt;Queue&lt;/b&gt;');
    expect(body).not.toContain('<script>');
    expect(body).toContain('<ul><li>Demo User</li>');
  });

  it('escapes user text in text/markdown', () => {
    const { body } = composeSharedSmsLog(input({ entries: [entry({ text: '<script>x</script> [link](http://evil)' })] }), 'text/markdown');
    expect(body).toContain('\\<script\\>x\\</script\\> \\[link\\]\\(http://evil\\)');
    expect(body).toContain('**Receiving call queue**: Support Queue');
  });

  it('gives custom-format connectors a plain-text body', () => {
    expect(composeSharedSmsLog(input(), 'custom')).toEqual(composeSharedSmsLog(input(), 'text/plain'));
  });
});
