import { type ReturnMessage, warning } from '../common/return-message.js';

/** What the user reads when a write stayed in the outbox: the CRM's reason, and that nothing is lost. */
export function queuedNotice(reason: string | undefined, what: string, crmName: string): ReturnMessage {
  const trimmed = reason?.trim();
  const prefix = trimmed ? `${trimmed}${/[.!?]$/.test(trimmed) ? '' : '.'} ` : '';
  return warning(`${prefix}${what} queued and will be written to ${crmName} automatically.`);
}
