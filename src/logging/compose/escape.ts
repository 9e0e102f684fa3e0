/** Every user-supplied string that goes into an HTML body passes through here. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Neutralises Markdown syntax (and raw HTML, which Markdown renderers pass through).
 * `=` under a line makes a setext heading, `&` starts an entity, and a bare carriage
 * return ends a line as a newline does, so a value cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/([\\`*_{}[\]()#+\-.!|>~<=&])/g, '\\$1');
}
