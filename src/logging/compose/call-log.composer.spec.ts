import {
  type CallLogFacts,
  composeCallLog,
  defaultCallSubject,
  humanDuration,
  toIsoInstant,
} from './call-log.composer.js';

const facts: CallLogFacts = {
  subject: 'Outbound call to Jane Smith',
  direction: 'Outbound',
  startTime: '2026-06-24T02:30:00.000Z',
  duration: 125,
  result: 'Accepted',
  contactName: 'Jane Smith',
  contactNumber: '+14155550100',
  note: 'Discussed renewal',
  recordingLink: 'https://example.com/recording/123',
  aiNote: 'Customer wants a quote',
  transcript: 'Agent: hello\nJane: hi',
  legs: [
    {
      direction: 'Outbound',
      action: 'VoIP Call',
      result: 'Accepted',
      duration: 125,
      from: { extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
    },
  ],
};

describe('composeCallLog', () => {
  it('writes every default section in plain text: no contact number, App Connect date format', () => {
    expect(composeCallLog(facts, 'text/plain', 'UTC')).toBe(
      [
        'Agent notes:',
        'Discussed renewal',
        'Call details',
        'Summary: Outbound call to Jane Smith',
        'Contact: Jane Smith',
        'Date/Time: 2026-06-24 02:30:00 AM',
        'Duration: 2 minutes 5 seconds',
        'Result: Accepted',
        'Call recording: https://example.com/recording/123',
        'AI note:',
        'Customer wants a quote',
        'Transcript:',
        'Agent: hello',
        'Jane: hi',
        'Call journey:',
        '- Outbound VoIP Call: ext. 101 -> Jane Smith (Accepted, 2 minutes 5 seconds)',
      ].join('\n'),
    );
  });

  it('writes HTML with a real recording link and line breaks', () => {
    const html = composeCallLog(facts, 'text/html', 'UTC');
    expect(html).toContain('<p><b>Summary</b>: Outbound call to Jane Smith</p>');
    expect(html).toContain('<a href="https://example.com/recording/123">');
    expect(html).toContain('Agent: hello<br>Jane: hi');
    expect(html).toContain('<li>Outbound VoIP Call: ext. 101 -&gt; Jane Smith (Accepted, 2 minutes 5 seconds)</li>');
  });

  it('writes Markdown with bold labels and a link', () => {
    const md = composeCallLog(facts, 'text/markdown', 'UTC');
    expect(md).toContain('### Call details');
    expect(md).toContain('**Duration**: 2 minutes 5 seconds');
    expect(md).toContain('(https://example.com/recording/123)');
  });

  it('leaves the body to the connector for the custom format', () => {
    expect(composeCallLog(facts, 'custom', 'UTC')).toBe('');
  });

  it('escapes every user-supplied string in HTML', () => {
    const hostile: CallLogFacts = {
      subject: '<img src=x onerror=alert(1)>',
      contactName: 'Tom & "Jerry"',
      note: '<script>alert(1)</script>',
      aiNote: '<b>bold</b>',
      transcript: "it's <i>",
      result: '<Accepted>',
      recordingLink: 'https://example.com/r?a=1&b="2"',
      voicemailLink: 'javascript:alert(1)',
      legs: [{ from: { name: '<x>' }, to: { name: 'y' } }],
    };
    const html = composeCallLog(hostile, 'text/html', 'UTC');
    expect(html).not.toMatch(/<(script|img|i>|x>|b>bold)/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Tom &amp; &quot;Jerry&quot;');
    expect(html).toContain('it&#39;s &lt;i&gt;');
    expect(html).toContain('href="https://example.com/r?a=1&amp;b=&quot;2&quot;"');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('&lt;x&gt; -&gt; y');
  });

  it('shows the date in the user timezone: 23:30 UTC at +09:00 is the next morning', () => {
    const late = { ...facts, startTime: '2026-06-24T23:30:00.000Z' };
    expect(composeCallLog(late, 'text/plain', '+09:00')).toContain('Date/Time: 2026-06-25 08:30:00 AM');
    expect(composeCallLog(late, 'text/plain', 'Asia/Tokyo')).toContain('Date/Time: 2026-06-25 08:30:00 AM');
    expect(composeCallLog(late, 'text/plain', 'UTC')).toContain('Date/Time: 2026-06-24 11:30:00 PM');
    const withOffset = { logDateFormat: { value: 'YYYY-MM-DD HH:mm Z' } };
    expect(composeCallLog(late, 'text/plain', 'Asia/Tokyo', withOffset)).toContain('Date/Time: 2026-06-25 08:30 +09:00');
  });

  it('reads epoch milliseconds and ISO-8601 start times as the same instant', () => {
    const iso = composeCallLog({ ...facts, startTime: '2026-06-24T23:30:00.000Z' }, 'text/plain', '+09:00');
    const epoch = composeCallLog({ ...facts, startTime: Date.UTC(2026, 5, 24, 23, 30) }, 'text/plain', '+09:00');
    expect(epoch).toBe(iso);
    expect(toIsoInstant(Date.UTC(2026, 5, 24, 23, 30))).toBe('2026-06-24T23:30:00.000Z');
    expect(toIsoInstant('2026-06-24T23:30:00+09:00')).toBe('2026-06-24T14:30:00.000Z');
    expect(toIsoInstant('not a date')).toBeUndefined();
  });

  it('omits what is unknown and marks a pending duration', () => {
    const body = composeCallLog({ subject: 'Call with +1415', duration: 'pending' }, 'text/plain', 'UTC');
    expect(body).toBe('Call details\nSummary: Call with +1415\nDuration: In progress');
  });
});

describe('call-log helpers', () => {
  it.each([
    [0, '0 seconds'],
    [1, '1 second'],
    [60, '1 minute'],
    [3725, '1 hour 2 minutes 5 seconds'],
    [7200, '2 hours'],
  ])('humanDuration(%s) = %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });

  it('builds the default subject from the direction', () => {
    expect(defaultCallSubject('Outbound', 'Jane Smith')).toBe('Outbound call to Jane Smith');
    expect(defaultCallSubject('Inbound', '+14155550100')).toBe('Inbound call from +14155550100');
    expect(defaultCallSubject(undefined, 'Jane')).toBe('Call with Jane');
  });
});
