import { createHash } from 'node:crypto';
import { AppException } from '../src/common/app.exception.js';
import { phoneNumberForms } from '../src/common/phone-number.js';
import type { ConnectorCallContext } from '../src/connectors/crm-connector.interface.js';
import { LocalCrmConnector } from '../src/connectors/local/local-crm.connector.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

describe('local CRM connector', () => {
  let t: TestApp;
  let connector: LocalCrmConnector;
  let store: LocalCrmStore;
  let context: ConnectorCallContext;

  beforeAll(async () => {
    t = await createTestApp();
    connector = t.get(LocalCrmConnector);
    store = t.get(LocalCrmStore);
    const ownerId = ownerOf('demo');
    context = {
      user: {
        id: `local-${ownerId}`,
        platform: 'local',
        crmUserId: ownerId,
        name: 'Demo User',
        hostname: null,
        timezone: 'UTC',
        platformAdditionalInfo: null,
      },
      authHeader: connector.getAuthHeader({ apiKey: 'demo' }),
    };
  });
  afterAll(async () => {
    await t.close();
  });

  const forms = (raw: string) => phoneNumberForms(raw, 'US');

  it('getUserInfo accepts configured keys with their name and timezone, rejects others', async () => {
    const ok = await connector.getUserInfo({ apiKey: 'demo', additionalInfo: { timezone: 'Asia/Tokyo' } });
    expect(ok).toMatchObject({
      successful: true,
      platformUserInfo: { id: ownerOf('demo'), name: 'Demo User', timezoneName: 'Asia/Tokyo' },
    });
    expect((await connector.getUserInfo({ apiKey: 'nope' })).successful).toBe(false);
    const badZone = await connector.getUserInfo({ apiKey: 'demo', additionalInfo: { timezone: 'Mars/Base' } });
    expect(badZone.successful).toBe(false);
    expect(badZone.returnMessage?.message).toMatch(/Mars\/Base/);
  });

  it('findContact matches a seeded contact from any format of its number', async () => {
    for (const raw of ['+14155550100', '415-555-0100', '(415) 555 0100', '4155550100', ' 14155550100']) {
      const result = await connector.findContact({
        ...context,
        phoneNumber: raw,
        phoneNumberForms: forms(raw),
        overridingFormat: [],
        isExtension: false,
      });
      expect(result.matchedContactInfo.map((c) => c.name), raw).toEqual(['Jane Smith']);
    }
  });

  it('findContact returns nothing for an unknown number', async () => {
    const result = await connector.findContact({
      ...context,
      phoneNumber: '+14155559999',
      phoneNumberForms: forms('+14155559999'),
      overridingFormat: [],
      isExtension: false,
    });
    expect(result).toMatchObject({ successful: true, matchedContactInfo: [] });
  });

  it('createContact stores a normalised number that findContact then matches', async () => {
    const created = await connector.createContact({
      ...context,
      phoneNumber: '(303) 555-0111',
      newContactName: 'Ada Lovelace',
      newContactType: 'Lead',
    });
    expect(created.contactInfo).toMatchObject({ name: 'Ada Lovelace', type: 'Lead' });
    const found = await connector.findContact({
      ...context,
      phoneNumber: '+13035550111',
      phoneNumberForms: forms('+13035550111'),
      overridingFormat: [],
      isExtension: false,
    });
    expect(found.matchedContactInfo.map((c) => c.id)).toEqual([created.contactInfo!.id]);
  });

  it('creates, updates and reads a call log owned by the user', async () => {
    const contactInfo = { id: '1', name: 'Jane Smith' };
    const created = await connector.createCallLog({
      ...context,
      contactInfo,
      callLog: { sessionId: 's-1', direction: 'Inbound', duration: 30 },
      note: 'first',
      composedLogDetails: 'body v1',
      subject: 'Inbound call from Jane Smith',
      idempotencyKey: 'write-s-1',
    });
    expect(created.logId).toMatch(/^\d+$/);

    const updated = await connector.updateCallLog({
      ...context,
      existingCallLog: { thirdPartyLogId: created.logId!, sessionId: 's-1', contactId: '1' },
      callLog: { sessionId: 's-1' },
      subject: 'Inbound call from Jane Smith',
      note: 'second',
      duration: 95,
      composedLogDetails: 'body v2',
    });
    expect(updated.updatedNote).toBe('second');

    const read = await connector.getCallLog({ ...context, callLogId: created.logId!, contactId: '1' });
    expect(read.callLogInfo).toMatchObject({ subject: 'Inbound call from Jane Smith', note: 'second', fullBody: 'body v2', contactName: 'Jane Smith' });
  });

  it('finds the activity a create made by its idempotency key, for its owner only', async () => {
    const contactInfo = { id: '1', name: 'Jane Smith' };
    const created = await connector.createCallLog({
      ...context,
      contactInfo,
      callLog: { sessionId: 's-3' },
      composedLogDetails: 'x',
      subject: 'x',
      idempotencyKey: 'write-s-3',
    });
    const find = (ctx: typeof context, idempotencyKey: string) =>
      connector.findLogByIdempotencyKey({ ...ctx, kind: 'call', idempotencyKey, contactInfo, since: new Date().toISOString() });
    expect(await find(context, 'write-s-3')).toEqual({ logId: created.logId });
    expect(await find(context, 'write-never-made')).toEqual({});
    const other = { ...context, authHeader: connector.getAuthHeader({ apiKey: 'second' }) };
    expect(await find(other, 'write-s-3')).toEqual({});
  });

  it('will not read or update another user’s activity', async () => {
    const created = await connector.createCallLog({
      ...context,
      contactInfo: { id: '1', name: 'Jane Smith' },
      callLog: { sessionId: 's-2' },
      composedLogDetails: 'x',
      subject: 'x',
      idempotencyKey: 'write-s-2',
    });
    const other = { ...context, authHeader: connector.getAuthHeader({ apiKey: 'second' }) };
    await expect(connector.getCallLog({ ...other, callLogId: created.logId!, contactId: null })).rejects.toBeInstanceOf(AppException);
  });

  it('creates and replaces a message log body (digest and shared SMS content)', async () => {
    const message = { id: 'm1', type: 'SMS' as const, subject: 'hi' };
    const created = await connector.createMessageLog({
      ...context,
      contactInfo: { id: '1', name: 'Jane Smith' },
      message,
      messages: [message],
      idempotencyKey: 'write-m1',
      composedLogDetails: 'digest v1',
      subject: 'SMS conversation with Jane Smith',
    });
    await connector.updateMessageLog({
      ...context,
      contactInfo: { id: '1', name: 'Jane Smith' },
      existingMessageLog: { thirdPartyLogId: created.logId! },
      message,
      messages: [message],
      composedLogDetails: 'digest v2',
      subject: 'SMS conversation with Jane Smith',
    });
    const messages = await store.listActivities(ownerOf('demo'), 'message');
    expect(messages.find((a) => String(a.id) === created.logId)?.body).toBe('digest v2');

    await connector.updateMessageLog({
      ...context,
      contactInfo: { id: '1', name: 'Jane Smith' },
      existingMessageLog: { thirdPartyLogId: created.logId! },
      message,
      messages: [message],
      composedLogDetails: '',
      subject: 'unused',
      sharedSMSLogContent: { subject: 'Shared thread', body: 'shared body' },
    });
    const after = await store.findActivity(ownerOf('demo'), created.logId!);
    expect(after).toMatchObject({ subject: 'Shared thread', body: 'shared body' });
  });

  it('updateMessageLog of an unknown activity fails with the CRM reason', async () => {
    const message = { id: 'm2', type: 'SMS' as const };
    await expect(
      connector.updateMessageLog({
        ...context,
        contactInfo: { id: '1', name: 'Jane Smith' },
        existingMessageLog: { thirdPartyLogId: '999999' },
        message,
        messages: [message],
        composedLogDetails: 'x',
        subject: 'x',
      }),
    ).rejects.toThrow(/not found/);
  });

  it('refuses calls once the key is no longer configured', async () => {
    const revoked = { ...context, authHeader: connector.getAuthHeader({ apiKey: 'removed-key' }) };
    await expect(
      connector.findContact({ ...revoked, phoneNumber: '1', phoneNumberForms: forms('+14155550100'), overridingFormat: [], isExtension: false }),
    ).rejects.toMatchObject({ code: 'CRM_SESSION_REVOKED' });
  });
});
