import type { ComposedLogFormat } from '../../config/app-config.js';
import { escapeHtml, escapeMarkdown } from './escape.js';

/**
 * The structure every composed log body is built from. Composers describe *what*
 * a body says as blocks; this renderer alone decides how each format writes it and
 * escapes every user-supplied string on the way, so no composer can forget to.
 */
export type LogBlock =
  | { kind: 'heading'; text: string }
  /** "Label: value" on one line. */
  | { kind: 'field'; label: string; value: string }
  /** "Label: <url>" rendered as a link. */
  | { kind: 'link'; label: string; url: string }
  /** Free text that may span lines (notes, transcripts, message text). */
  | { kind: 'text'; label?: string; text: string }
  | { kind: 'list'; label?: string; items: string[] }
  | { kind: 'separator' };

const SAFE_URL = /^https?:\/\//i;

export function renderLogDocument(blocks: LogBlock[], format: ComposedLogFormat): string {
  switch (format) {
    case 'text/html':
      return blocks.map(renderHtml).join('');
    case 'text/markdown':
      return blocks.map(renderMarkdown).join('\n');
    case 'text/plain':
      return blocks.map(renderPlain).join('\n');
    default: {
      const unreachable: never = format;
      throw new Error(`Unknown log format ${String(unreachable)}`);
    }
  }
}

function renderPlain(block: LogBlock): string {
  switch (block.kind) {
    case 'heading':
      return block.text;
    case 'field':
      return `${block.label}: ${block.value}`;
    case 'link':
      return `${block.label}: ${block.url}`;
    case 'text':
      return block.label ? `${block.label}:\n${block.text}` : block.text;
    case 'list':
      return [block.label ? `${block.label}:` : null, ...block.items.map((item) => `- ${item}`)]
        .filter((line): line is string => line !== null)
        .join('\n');
    case 'separator':
      return '----';
  }
}

function renderMarkdown(block: LogBlock): string {
  const md = escapeMarkdown;
  switch (block.kind) {
    case 'heading':
      return `### ${md(block.text)}`;
    case 'field':
      return `**${md(block.label)}**: ${md(block.value)}  `;
    case 'link':
      return SAFE_URL.test(block.url)
        ? `**${md(block.label)}**: [${md(block.url)}](${block.url.replace(/[()\s]/g, encodeURIComponent)})  `
        : `**${md(block.label)}**: ${md(block.url)}  `;
    case 'text': {
      const body = block.text.split(/\r\n?|\n/).map(md).join('  \n');
      return block.label ? `**${md(block.label)}**:  \n${body}  ` : `${body}  `;
    }
    case 'list':
      return [block.label ? `**${md(block.label)}**:` : null, ...block.items.map((item) => `- ${md(item)}`)]
        .filter((line): line is string => line !== null)
        .join('\n');
    case 'separator':
      return '\n---\n';
  }
}

function renderHtml(block: LogBlock): string {
  const h = escapeHtml;
  switch (block.kind) {
    case 'heading':
      return `<p><b>${h(block.text)}</b></p>`;
    case 'field':
      return `<p><b>${h(block.label)}</b>: ${h(block.value)}</p>`;
    case 'link':
      return SAFE_URL.test(block.url)
        ? `<p><b>${h(block.label)}</b>: <a href="${h(block.url)}">${h(block.url)}</a></p>`
        : `<p><b>${h(block.label)}</b>: ${h(block.url)}</p>`;
    case 'text': {
      const body = block.text.split('\n').map(h).join('<br>');
      return block.label ? `<p><b>${h(block.label)}</b>:<br>${body}</p>` : `<p>${body}</p>`;
    }
    case 'list':
      return (
        (block.label ? `<p><b>${h(block.label)}</b>:</p>` : '') +
        `<ul>${block.items.map((item) => `<li>${h(item)}</li>`).join('')}</ul>`
      );
    case 'separator':
      return '<hr>';
  }
}
