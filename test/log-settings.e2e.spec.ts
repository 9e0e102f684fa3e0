import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { UserSettings } from '../src/common/user-settings.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const ME = { phoneNumber: '+16505550199', extensionNumber: '101', name: 'Rita RingCentral' };

/** Replaces the user's settings through the extension's own route, as a settings change in the extension would. */
function withSettings(t: TestApp, token: () => string): { set(settings: UserSettings): Promise<void> } {
  let current: string[] = [];
  return {
    set: async (settings) => {
      await t.http
        .post('/user/settings')
        .set('Authorization', `Bearer ${token()}`)
        .send({ userSettings: settings, settingKeysToRemove: current.filter((key) => !(key in settings)) })
        .expect(200);
      current = Object.keys(settings);
    },
  };
}

describe('user settings shape the logs (e2e)', () => {
  let t: TestApp;
  let token: string;
  let settings: { set(settings: UserSettings): Promise<void> };
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login('local', 'demo', { additionalInfo: { timezone: 'Asia/Tokyo' } });
    settings = withSettings(t, () => token);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => settings.set({}));

  describe('call log', () => {
    const callsOf = async (sessionId: string) =>
      (await t.get(LocalCrmStore).listActivities(ownerOf('demo'), 'call')).filter((a) => a.details?.sessionId === sessionId);

    it('a created log carries the opted-in blocks; a PATCH after a settings change re-renders with the new settings', async () => {
      const sessionId = `s-${randomUUID()}`;
      await settings.set({
        addCallSessionId: { value: true },
        addRingCentralUserName: { value: true },
        addRingCentralNumber: { value: true },
        addCallLogContactNumber: { value: true },
        logDateFormat: { value: 'DD/MM/YYYY HH:mm' },
      });
      await t.http
        .post('/callLog')
        .set(auth())
        .send({
          logInfo: {
            sessionId,
            direction: 'Outbound',
            from: ME,
            to: JANE,
            startTime: '2026-06-24T02:30:00.000Z',
            duration: 125,
            result: 'Call connected',
          },
          hashedExtensionId: 'hashed-ext-101',
          contactId: '1',
          contactName: 'Jane Smith',
          note: 'Discussed renewal options.',
          ringSenseTranscript: 'Rita: hello Jane',
          ringSenseSummary: 'Renewal talk',
          ringSenseAIScore: { overall: 87 },
          ringSenseLink: 'https://ringsense.example.com/c/1',
        })
        .expect(200);
      const [created] = await callsOf(sessionId);
      expect(created!.body).toBe(
        [
          'Agent notes:',
          'Discussed renewal options.',
          'Call details',
          `Session ID: ${sessionId}`,
          'RingCentral user: Rita RingCentral',
          'RingCentral number: +16505550199 (ext. 101)',
          'Summary: Outbound call to Jane Smith',
          'Contact: Jane Smith (+14155550100)',
          'Date/Time: 24/06/2026 11:30',
          'Duration: 2 minutes 5 seconds',
          'Result: Call connected',
          'RingSense transcript:',
          'Rita: hello Jane',
          'RingSense summary:',
          'Renewal talk',
          'Call score: overall: 87',
          'RingSense recording: https://ringsense.example.com/c/1',
        ].join('\n'),
      );

      // The user turns the note and the RingSense summary off and picks another date format.
      await settings.set({ addCallLogNote: { value: false }, addCallLogRingSenseRecordingSummary: { value: false }, logDateFormat: { value: 'YYYY.MM.DD' } });
      const patched = await t.http
        .patch('/callLog')
        .set(auth())
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 130, ringSenseBulletedSummary: '* renewal' })
        .expect(200);
      const [updated] = await callsOf(sessionId);
      expect(updated!.body).toBe(
        [
          'Call details',
          'Summary: Outbound call to Jane Smith',
          'Contact: Jane Smith',
          'Date/Time: 2026.06.24',
          'Duration: 2 minutes 10 seconds',
          'Result: Call connected',
          // Kept from the create: RingSense facts are stored with the log, not only passed through.
          'RingSense transcript:',
          'Rita: hello Jane',
          'Call score: overall: 87',
          'RingSense bulleted summary:',
          '* renewal',
          'RingSense recording: https://ringsense.example.com/c/1',
        ].join('\n'),
      );
      // The note is only left out of the body: it is still the call's note.
      expect(patched.body).toMatchObject({ successful: true, updatedNote: 'Discussed renewal options.' });

      // Back to no settings: the next re-render is App Connect's default body again, note included.
      await settings.set({});
      await t.http.patch('/callLog').set(auth()).send({ sessionId, hashedExtensionId: 'hashed-ext-101', result: 'Voicemail' }).expect(200);
      const [again] = await callsOf(sessionId);
      expect(again!.body).toContain('Agent notes:\nDiscussed renewal options.\nCall details\nSummary: Outbound call to Jane Smith\nContact: Jane Smith\n');
      expect(again!.body).toContain('Date/Time: 2026-06-24 11:30:00 AM');
      expect(again!.body).toContain('RingSense summary:\nRenewal talk');
      expect(again!.body).not.toContain('Session ID');
    });
  });

  describe('message digest', () => {
    let ownerId: string;
    const sms = (id: number, creationTime: string, text: string, outbound = false) => ({
      id,
      type: 'SMS',
      direction: outbound ? 'Outbound' : 'Inbound',
      from: outbound ? ME : JANE,
      to: [outbound ? JANE : ME],
      subject: text,
      creationTime,
      conversationId: 777100,
    });
    const log = (messages: unknown[]) =>
      t.http
        .post('/messageLog')
        .set(auth())
        .send({ contactId: '1', contactName: 'Jane Smith', logInfo: { conversationId: 777100, correspondents: [JANE], messages } })
        .expect(200);

    beforeAll(() => {
      ownerId = (new JwtService().decode(token) as { sub: string }).sub.replace(/^local-/, '');
    });

    it("a setting changed later shapes only the entries added after it; the digest's past entries stay as written", async () => {
      await log([sms(9001, '2026-07-01T01:00:00.000Z', 'First question'), sms(9002, '2026-07-01T01:05:00.000Z', 'First answer', true)]);
      await settings.set({ logDateFormat: { value: 'DD.MM.YYYY HH:mm' }, addRingCentralUserName: { value: false } });
      await log([sms(9003, '2026-07-01T02:00:00.000Z', 'Second question'), sms(9004, '2026-07-01T02:05:00.000Z', 'Second answer', true)]);

      const digests = (await t.get(LocalCrmStore).listActivities(ownerId, 'message')).filter((a) => a.body?.includes('First question'));
      expect(digests).toHaveLength(1);
      const body = digests[0]!.body!;
      // Written before the change: time only, signed with the RingCentral name.
      expect(body).toContain('Jane Smith (+14155550100) · 10:00 AM:\nFirst question');
      expect(body).toContain('Rita RingCentral · 10:05 AM:\nFirst answer');
      // Added after it, in the same re-rendered digest: the chosen format, signed with the CRM name.
      expect(body).toContain('Jane Smith (+14155550100) · 01.07.2026 11:00:\nSecond question');
      expect(body).toContain('Demo User · 01.07.2026 11:05:\nSecond answer');
      expect(body).toContain('Messages: 4');
    });
  });
});
