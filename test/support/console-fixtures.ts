import { randomUUID } from 'node:crypto';

/** Request bodies the console tests log through the API. */
export const newSessionId = (): string => `s-${randomUUID()}`;

export function callBody(sessionId: string, overrides: Record<string, unknown> = {}) {
  return {
    logInfo: {
      id: 'rc-call-1',
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: '1',
    contactName: 'Jane Smith',
    contactType: 'Contact',
    note: 'Discussed renewal options.',
    ...overrides,
  };
}

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };

export function messageLogBody(id: number, text: string) {
  return {
    contactId: '1',
    contactName: 'Jane Smith',
    logInfo: {
      conversationId: 555100,
      correspondents: [JANE],
      messages: [
        { id, type: 'SMS', direction: 'Inbound', from: JANE, subject: text, creationTime: '2026-06-24T08:00:00.000Z', conversationId: 555100 },
      ],
    },
  };
}

/** An operator token long enough for CONSOLE_ADMIN_TOKEN. */
export const OPERATOR_TOKEN = 'operator-token-for-the-console-tests-0123';
