import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { MessageDigestsRepository } from '../src/persistence/repositories/message-digests.repository.js';
import { MessageLogsRepository } from '../src/persistence/repositories/message-logs.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const ME = { phoneNumber: '+16505550199', extensionNumber: '101' };

export const sms = (id: number | string, creationTime: string, text: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'SMS',
  direction: 'Inbound',
  from: JANE,
  to: [ME],
  subject: text,
  creationTime,
  conversationId: 555100,
  ...extra,
});

export const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}, logInfo: Record<string, unknown> = {}) => ({
  contactId: '1',
  contactName: 'Jane Smith',
  contactType: 'Contact',
  logInfo: { conversationId: 555100, correspondents: [JANE], messages, ...logInfo },
  ...extra,
});

describe('POST /messageLog on the local CRM (e2e)', () => {
  let t: TestApp;
  let token: string;
  let ownerId: string;
  let userId: string;

  const post = (body: object, jwt = token) => t.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(body);
  const activities = () => t.get(LocalCrmStore).listActivities(ownerId, 'message');

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login();
    userId = (new JwtService().decode(token) as { sub: string }).sub;
    ownerId = userId.replace(/^local-/, '');
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs an SMS to a known contact as a new digest activity', async () => {
    const response = await post(messageLog([sms(1001, '2026-06-24T03:15:00.000Z', 'Can we talk later today?')])).expect(200);
    expect(response.body).toEqual({ successful: true, logIds: ['1001'], returnMessage: expect.objectContaining({ messageType: 'success' }) });
    const [activity] = await activities();
    expect(activity).toMatchObject({ contactId: '1', subject: 'SMS conversation with Jane Smith - 2026-06-24' });
    expect(activity!.body).toContain('Can we talk later today?');
    expect(activity!.body).toContain('Jane Smith (+14155550100) · 03:15 AM');
  });

  it('updates the same activity for another SMS of the same conversation and day, with the whole digest', async () => {
    const response = await post(messageLog([sms(1002, '2026-06-24T05:00:00.000Z', 'Sure, at 3?', { direction: 'Outbound', from: ME, to: [JANE] })])).expect(200);
    expect(response.body.logIds).toEqual(['1002']);
    const list = await activities();
    expect(list).toHaveLength(1);
    expect(list[0]!.body).toContain('Can we talk later today?');
    expect(list[0]!.body).toContain('Demo User · 05:00 AM');
    expect(list[0]!.body).toContain('Messages: 2');
    expect(list[0]!.body.indexOf('Can we talk')).toBeLessThan(list[0]!.body.indexOf('Sure, at 3?'));
  });

  it('makes a new activity for the next day', async () => {
    await post(messageLog([sms(1003, '2026-06-25T01:00:00.000Z', 'Next day')])).expect(200);
    const list = await activities();
    expect(list).toHaveLength(2);
    expect(list[1]!.subject).toBe('SMS conversation with Jane Smith - 2026-06-25');
    expect(list[1]!.body).toContain('Next day');
    expect(list[1]!.body).not.toContain('Can we talk');
  });

  it('logs only new messages of a re-sent batch, and nothing when all were logged', async () => {
    const again = await post(
      messageLog([sms(1003, '2026-06-25T01:00:00.000Z', 'Next day'), sms(1001, '2026-06-24T03:15:00.000Z', 'Can we talk later today?')]),
    ).expect(200);
    expect(again.body).toEqual({ successful: true, logIds: [], returnMessage: null });

    const mixed = await post(
      messageLog([sms(1004, '2026-06-25T02:00:00.000Z', 'One more'), sms(1003, '2026-06-25T01:00:00.000Z', 'Next day')]),
    ).expect(200);
    expect(mixed.body.logIds).toEqual(['1004']);
    const list = await activities();
    expect(list).toHaveLength(2);
    expect(list[1]!.body.match(/Next day/g)).toHaveLength(1);
  });

  it('keeps local rows that match the CRM activities', async () => {
    const rows = await t.get(MessageLogsRepository).findByUser(userId);
    const list = await activities();
    expect(rows.map((r) => r.messageId).sort()).toEqual(['1001', '1002', '1003', '1004']);
    for (const row of rows) {
      const activity = list.find((a) => String(a.id) === row.thirdPartyLogId);
      expect(activity, `activity for ${row.messageId}`).toBeDefined();
      expect(row).toMatchObject({ platform: 'local', conversationId: '555100' });
      expect(row.digestKey).toBe(`555100|${activity!.subject.slice(-10)}`);
    }
    const digests = await t.get(MessageDigestsRepository).findByUser(userId);
    expect(digests.map((d) => [d.logDate, d.entries.length])).toEqual([
      ['2026-06-24', 2],
      ['2026-06-25', 2],
    ]);
  });

  it('puts voicemail, fax and MMS links in the body and never stores the RingCentral token', async () => {
    const secret = 'rc-secret-token-123';
    const response = await post(
      messageLog(
        [
          {
            id: 2001,
            type: 'VoiceMail',
            direction: 'Inbound',
            from: JANE,
            creationTime: '2026-07-01T10:00:00.000Z',
            attachments: [{ id: 1, type: 'AudioRecording', uri: 'https://media.example/vm/1', link: 'https://app.example/vm/1', contentType: 'audio/mpeg' }],
          },
          {
            id: 2002,
            type: 'Fax',
            direction: 'Inbound',
            from: JANE,
            creationTime: '2026-07-01T10:05:00.000Z',
            attachments: [{ id: 2, type: 'RenderedDocument', uri: 'https://media.example/fax/2', link: 'https://app.example/fax/2', contentType: 'application/pdf' }],
          },
          {
            id: 2003,
            type: 'MMS',
            direction: 'Inbound',
            from: JANE,
            subject: 'Photo',
            creationTime: '2026-07-01T10:10:00.000Z',
            attachments: [
              { id: 3, type: 'MmsAttachment', uri: 'https://media.example/mms/3', contentType: 'image/png' },
              { id: 4, type: 'MmsAttachment', uri: 'https://media.example/mms/4', contentType: 'video/mp4' },
            ],
          },
        ],
        {},
        { conversationId: 777, rcAccessToken: secret },
      ),
    ).expect(200);
    expect(response.body.logIds).toEqual(['2001', '2002', '2003']);
    const activity = (await activities()).at(-1)!;
    expect(activity.body).toContain('Voicemail recording: https://app.example/vm/1');
    expect(activity.body).toContain('Fax document: https://app.example/fax/2');
    expect(activity.body).toContain('Image: https://media.example/mms/3');
    expect(activity.body).toContain('Video: https://media.example/mms/4');
    expect(activity.body).not.toContain(secret);
    const digests = await t.get(MessageDigestsRepository).findByUser(userId);
    const rows = await t.get(MessageLogsRepository).findByUser(userId);
    expect(JSON.stringify([digests, rows, await activities()])).not.toContain(secret);
  });

  it('passes the manifest additional fields to the connector', async () => {
    await post(messageLog([sms(3001, '2026-08-01T10:00:00.000Z', 'Topic test')], { additionalSubmission: { topic: 'Renewal' } }, { conversationId: 888 })).expect(200);
    const activity = (await activities()).at(-1)!;
    expect(activity.details).toMatchObject({ additionalSubmission: { topic: 'Renewal' } });
  });

  it('logs a group SMS once per contact, with contact-suffixed ids', async () => {
    const TOM = { phoneNumber: '+12125550142', name: 'Tom Becker' };
    const group = (contactId: string, contactName: string) =>
      messageLog([sms(4001, '2026-08-02T10:00:00.000Z', 'Hello both', { conversationId: 999, to: [ME, TOM] })], { contactId, contactName }, {
        conversationId: 999,
        correspondents: [JANE, TOM],
      });
    const first = await post(group('1', 'Jane Smith')).expect(200);
    const second = await post(group('2', 'Tom Becker')).expect(200);
    expect(first.body.logIds).toEqual(['4001-1']);
    expect(second.body.logIds).toEqual(['4001-2']);
    const groupActivities = (await activities()).filter((a) => a.subject.startsWith('Group SMS'));
    expect(groupActivities.map((a) => a.contactId)).toEqual(['1', '2']);
    expect(groupActivities[1]!.body).toContain('Tom Becker (+12125550142)');
  });

  it('creates then updates one shared SMS thread activity keyed by conversationLogId', async () => {
    const shared = (messages: unknown[], logInfo: Record<string, unknown> = {}) =>
      messageLog(messages, {}, { conversationId: 12345, conversationLogId: 'thread-42', owner: { name: 'Support Queue', extensionType: 'Department' }, ...logInfo });
    const created = await post(shared([sms(5001, '2026-09-01T09:00:00.000Z', 'Need help')])).expect(200);
    expect(created.body.logIds).toEqual(['5001']);
    const before = (await activities()).length;
    const updated = await post(
      shared([sms(5002, '2026-09-02T09:30:00.000Z', 'Here to help', { direction: 'Outbound', from: ME, to: [JANE], author: { name: 'Agent Amy' } })], {
        assignee: { name: 'Agent Amy' },
        notes: [{ id: 'n1', text: 'VIP customer', creationTime: '2026-09-02T09:20:00.000Z', author: { name: 'Agent Amy' } }],
      }),
    ).expect(200);
    expect(updated.body.logIds).toEqual(['5002']);
    const list = await activities();
    expect(list).toHaveLength(before);
    const thread = list.at(-1)!;
    expect(thread.subject).toBe('SMS conversation with Jane Smith');
    expect(thread.body).toContain('Receiving call queue: Support Queue');
    expect(thread.body).toContain('Assigned to: Agent Amy');
    expect(thread.body).toContain('Need help');
    expect(thread.body).toContain('Agent Amy · 09:30 AM');
    expect(thread.body).toContain('Note by Agent Amy · 09:20 AM');
    expect(thread.body).toContain('2 messages, 1 note');
  });

  it('groups by the day in the user timezone and splits a batch at midnight', async () => {
    const tokyo = await t.login('local', 'second', { additionalInfo: { timezone: 'Asia/Tokyo' } });
    const secondOwner = (new JwtService().decode(tokyo) as { sub: string }).sub.replace(/^local-/, '');
    // 14:30Z is 23:30 in Tokyo; 15:30Z is 00:30 the next day there.
    const response = await post(
      messageLog([sms(6002, '2026-10-01T15:30:00.000Z', 'after midnight'), sms(6001, '2026-10-01T14:30:00.000Z', 'before midnight')], {}, { conversationId: 4242 }),
      tokyo,
    ).expect(200);
    expect(response.body.logIds).toEqual(['6001', '6002']);
    const list = await t.get(LocalCrmStore).listActivities(secondOwner, 'message');
    expect(list.map((a) => a.subject)).toEqual([
      'SMS conversation with Jane Smith - 2026-10-01',
      'SMS conversation with Jane Smith - 2026-10-02',
    ]);
    expect(list[0]!.body).toContain('11:30 PM');
  });

  it('answers "No message to log." for an empty batch', async () => {
    const response = await post(messageLog([])).expect(200);
    expect(response.body).toMatchObject({ successful: false, returnMessage: { message: 'No message to log.', messageType: 'warning' } });
  });

  it('answers 400 naming the field for a malformed request', async () => {
    const badType = await post(messageLog([{ ...sms(7001, '2026-06-24T03:15:00.000Z', 'x'), type: 'Carrier pigeon' }]));
    expect(badType.status).toBe(400);
    expect(badType.body.fields).toContain('logInfo.messages.0.type');
    const noContact = await post({ logInfo: { correspondents: [JANE], messages: [] } });
    expect(noContact.status).toBe(400);
    expect(noContact.body.fields).toContain('contactId');
    const sharedWithoutThread = await post(messageLog([sms(7002, '2026-06-24T03:15:00.000Z', 'x')], {}, { owner: { name: 'Amy' } }));
    expect(sharedWithoutThread.status).toBe(400);
    expect(sharedWithoutThread.body.fields).toEqual(['logInfo.conversationLogId']);
  });

  it('answers 401 without a session', async () => {
    await t.http.post('/messageLog').send(messageLog([])).expect(401);
  });
});
