import { escapeHtml, html } from './html.js';

describe('console html renderer', () => {
  it('escapes every interpolated value, attributes included', () => {
    const name = `<script>alert("x")</script>' onload='x`;
    expect(html`<p title="${name}">${name}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x</p>',
    );
  });

  it('keeps nested html as markup and joins arrays, dropping empty values', () => {
    const items = ['a&b', '<i>'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.markup).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>');
    expect(html`${0} ${true}`.markup).toBe('0 true');
  });

  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});
