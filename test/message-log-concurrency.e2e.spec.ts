import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { MessageLogsRepository } from '../src/persistence/repositories/message-logs.repository.js';
import { PendingWritesRepository } from '../src/persistence/repositories/pending-writes.repository.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const DAY = '2026-06-24';

const sms = (id: number, minute: number, text = `message ${id}`) => ({
  id,
  type: 'SMS',
  direction: 'Inbound',
  from: JANE,
  subject: text,
  creationTime: new Date(Date.parse(`${DAY}T08:00:00.000Z`) + minute * 60_000).toISOString(),
  conversationId: 555100,
});

const messageLog = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  contactId: '1',
  contactName: 'Jane Smith',
  logInfo: { conversationId: 555100, correspondents: [JANE], messages, ...extra },
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('POST /messageLog: one CRM write per digest, exactly once (e2e)', () => {
  let crm: CountingCrm;
  let t: TestApp;
  let token: string;
  let userId: string;

  const post = (body: object, app = t, jwt = token) =>
    app.http.post('/messageLog').set('Authorization', `Bearer ${jwt}`).send(body);

  beforeEach(async () => {
    crm = new CountingCrm();
    t = await createTestApp({ imports: [CountingCrmModule.register(crm)] });
    token = await t.login('counting', 'any-key');
    userId = (new JwtService().decode(token) as { sub: string }).sub;
  });
  afterEach(async () => {
    await t.close();
  });

  it('logs 50 new messages of one digest with one CRM write, and a re-send costs nothing', async () => {
    const messages = range(1, 50).map((id) => sms(id, id)).reverse();
    const first = await post(messageLog(messages)).expect(200);
    expect(first.body.successful).toBe(true);
    expect(first.body.logIds).toHaveLength(50);
    expect(first.body.logIds[0]).toBe('1');
    expect(crm.creates).toHaveLength(1);
    expect(crm.updates).toHaveLength(0);
    const [create] = crm.creates;
    expect(create!.messages.map((m) => m.id)).toEqual(range(1, 50));
    expect(create!.message.id).toBe(50);
    expect(create!.composedLogDetails).toContain('Messages: 50');

    const again = await post(messageLog(messages)).expect(200);
    expect(again.body).toEqual({ successful: true, logIds: [], returnMessage: null });
    expect(crm.writes).toBe(1);
  });

  it('passes media links with the token to the connector only', async () => {
    await post(
      messageLog(
        [
          {
            id: 9,
            type: 'Fax',
            direction: 'Inbound',
            from: JANE,
            creationTime: `${DAY}T09:00:00.000Z`,
            attachments: [{ type: 'RenderedDocument', uri: 'https://media.ringcentral.com/fax/9', link: 'https://app.example/fax/9' }],
          },
          {
            id: 10,
            type: 'MMS',
            direction: 'Inbound',
            from: JANE,
            creationTime: `${DAY}T09:01:00.000Z`,
            attachments: [{ type: 'MmsAttachment', uri: 'https://media.ringcentral.com/mms/10', contentType: 'image/jpeg' }],
          },
        ],
        { rcAccessToken: 'tok en' },
      ),
    ).expect(200);
    expect(crm.creates[0]).toMatchObject({
      faxDocLink: 'https://app.example/fax/9',
      faxDownloadLink: 'https://media.ringcentral.com/fax/9?access_token=tok%20en',
      imageLink: 'https://media.ringcentral.com/mms/10',
      imageDownloadLink: 'https://media.ringcentral.com/mms/10?access_token=tok%20en',
      imageContentType: 'image/jpeg',
    });
    expect(crm.creates[0]!.composedLogDetails).not.toContain('tok');
  });

  it('20 parallel requests with new messages of one digest make one activity holding all 20', async () => {
    crm.delayMs = 15;
    const responses = await Promise.all(range(1, 20).map((id) => post(messageLog([sms(id, id)]))));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(responses.flatMap((r) => r.body.logIds).sort()).toEqual(range(1, 20).map(String).sort());
    expect(crm.creates).toHaveLength(1);
    expect(crm.activities.size).toBe(1);
    const [activity] = crm.activities.values();
    expect([...activity!.messageIds].sort()).toEqual(range(1, 20).map(String).sort());
    expect(activity!.body).toContain('Messages: 20');
    for (const id of range(1, 20)) expect(activity!.body).toMatch(new RegExp(`message ${id}(\n|$)`));
    const rows = await t.get(MessageLogsRepository).findByUser(userId);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.thirdPartyLogId))).toEqual(new Set([activity!.id]));
  });

  it('after a CRM outage on create and on update, the messages are kept and a re-send logs each exactly once', async () => {
    crm.failures = 1;
    const failed = await post(messageLog([sms(2, 2), sms(1, 1)])).expect(200);
    expect(failed.body).toMatchObject({
      successful: true,
      logIds: ['1', '2'],
      returnMessage: {
        message: 'Counting CRM is down for maintenance. The messages are queued and will be written to Counting CRM automatically.',
        messageType: 'warning',
      },
    });
    expect(crm.activities.size).toBe(0);
    expect(await t.get(MessageLogsRepository).findByUser(userId)).toHaveLength(0);
    expect(await t.get(PendingWritesRepository).findByUser(userId)).toMatchObject([{ state: 'pending', attempts: 1 }]);

    // The re-send takes the queued write at once, with its own copy folded in: one create.
    const retried = await post(messageLog([sms(2, 2), sms(1, 1)])).expect(200);
    expect(retried.body).toMatchObject({ successful: true, logIds: ['1', '2'], returnMessage: { messageType: 'success' } });
    expect(crm.creates).toHaveLength(2);
    expect(await t.get(PendingWritesRepository).findByUser(userId)).toEqual([]);

    crm.failures = 1;
    const failedUpdate = await post(messageLog([sms(3, 3), sms(4, 4)])).expect(200);
    expect(failedUpdate.body).toMatchObject({ successful: true, returnMessage: { messageType: 'warning' } });
    const resent = await post(messageLog([sms(4, 4), sms(3, 3), sms(2, 2), sms(1, 1)])).expect(200);
    expect(resent.body.logIds).toEqual(['3', '4']);

    expect(crm.activities.size).toBe(1);
    const [activity] = crm.activities.values();
    expect(activity!.messageIds).toEqual(['1', '2', '3', '4']);
    expect(activity!.body).toContain('Messages: 4');
    expect(activity!.body.match(/message 3\b/g)).toHaveLength(1);
    const rows = await t.get(MessageLogsRepository).findByUser(userId);
    expect(rows.map((r) => r.messageId).sort()).toEqual(['1', '2', '3', '4']);
  });

  it('treats a create without a logId as a failure and claims nothing', async () => {
    crm.omitLogId = true;
    const response = await post(messageLog([sms(1, 1)])).expect(200);
    expect(response.body.successful).toBe(false);
    expect(response.body.returnMessage.messageType).toBe('danger');
    expect(await t.get(MessageLogsRepository).findByUser(userId)).toHaveLength(0);
  });

  it.skipIf(!usesPostgres())(
    'two server instances sharing one PostgreSQL make one activity for 20 parallel requests (needs TEST_DATABASE_URL=postgres://...)',
    async () => {
      const second = await createTestApp({ imports: [CountingCrmModule.register(crm)], database: t.database });
      try {
        const secondToken = await second.login('counting', 'any-key');
        crm.delayMs = 15;
        const responses = await Promise.all(
          range(1, 20).map((id) => (id % 2 ? post(messageLog([sms(id, id)])) : post(messageLog([sms(id, id)]), second, secondToken))),
        );
        expect(responses.map((r) => r.body.successful)).toEqual(Array(20).fill(true));
        expect(crm.creates).toHaveLength(1);
        expect(crm.activities.size).toBe(1);
        const [activity] = crm.activities.values();
        expect([...activity!.messageIds].sort()).toEqual(range(1, 20).map(String).sort());
        expect(activity!.body).toContain('Messages: 20');
        expect(await t.get(MessageLogsRepository).findByUser(userId)).toHaveLength(20);
      } finally {
        await second.close();
      }
    },
  );
});
