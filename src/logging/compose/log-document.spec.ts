import { renderLogDocument, type LogBlock } from './log-document.js';

const blocks: LogBlock[] = [
  { kind: 'heading', text: 'Call with <Jane>' },
  { kind: 'field', label: 'Duration', value: '2 minutes' },
  { kind: 'link', label: 'Recording', url: 'https://example.com/r?a=1&b=2' },
  { kind: 'text', label: 'Note', text: 'line 1\n<script>alert(1)</script>' },
  { kind: 'list', label: 'Legs', items: ['a*b', 'c'] },
];

describe('renderLogDocument', () => {
  it('renders plain text as-is', () => {
    expect(renderLogDocument(blocks, 'text/plain')).toBe(
      'Call with <Jane>\nDuration: 2 minutes\nRecording: https://example.com/r?a=1&b=2\nNote:\nline 1\n<script>alert(1)</script>\nLegs:\n- a*b\n- c',
    );
  });

  it('escapes every user string in HTML, links included', () => {
    const html = renderLogDocument(blocks, 'text/html');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Call with &lt;Jane&gt;');
    expect(html).toContain('<a href="https://example.com/r?a=1&amp;b=2">');
  });

  it('does not turn a javascript: URL into a link', () => {
    const html = renderLogDocument([{ kind: 'link', label: 'x', url: 'javascript:alert(1)' }], 'text/html');
    expect(html).not.toContain('<a ');
  });

  it('escapes Markdown syntax and raw HTML in Markdown', () => {
    const md = renderLogDocument(blocks, 'text/markdown');
    expect(md).toContain('### Call with \\<Jane\\>');
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('- a\\*b');
  });

  it('keeps user text from starting Markdown blocks or entities of its own', () => {
    const md = renderLogDocument(
      [
        { kind: 'field', label: 'Contact', value: 'Jane\r===\r\n# x &lt;b&gt;' },
        { kind: 'text', label: 'Note', text: 'a\r===\n---' },
      ],
      'text/markdown',
    );
    expect(md).not.toMatch(/(^|\n)(=|#|-)/);
    expect(md).toContain('\\=\\=\\=');
    expect(md).toContain('\\&lt;b\\&gt;');
  });
});
