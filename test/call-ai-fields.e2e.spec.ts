import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CallLogsRepository } from '../src/persistence/repositories/call-logs.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

describe('AI and RingSense fields of a call are kept and re-rendered (e2e)', () => {
  let t: TestApp;
  let jwt: string;

  beforeAll(async () => {
    t = await createTestApp();
    jwt = await t.login('local', 'demo');
  });
  afterAll(async () => {
    await t.close();
  });

  const auth = () => ({ Authorization: `Bearer ${jwt}` });

  it('a PATCH with only a RingSense summary keeps every earlier field and adds the summary; no download link is stored', async () => {
    const sessionId = `ai-${randomUUID()}`;
    const created = await t.http
      .post('/callLog')
      .set(auth())
      .send({
        logInfo: {
          sessionId,
          direction: 'Inbound',
          from: { phoneNumber: '+14155550100', name: 'Jane Smith' },
          to: { phoneNumber: '+16505550199' },
          startTime: '2026-06-24T02:30:00.000Z',
          duration: 90,
          result: 'Call connected',
          recording: { link: 'https://media.ringcentral.com/recording/1' },
        },
        hashedExtensionId: 'ext-ai',
        contactId: '1',
        contactName: 'Jane Smith',
        note: 'Agent note',
        aiNote: 'AI says: renewal likely',
        transcript: 'Jane: hello',
        ringSenseTranscript: 'RS: hello',
      })
      .expect(200);
    const logId = created.body.logId as string;
    const body = async () => (await t.get(LocalCrmStore).findActivity(ownerOf('demo'), logId))!.body;
    const before = await body();

    await t.http
      .patch('/callLog')
      .set(auth())
      .send({
        sessionId,
        hashedExtensionId: 'ext-ai',
        ringSenseSummary: 'Renewal discussed',
        recordingDownloadLink: 'https://media.ringcentral.com/recording/1/content?access_token=secret-token',
      })
      .expect(200);
    const after = await body();
    for (const kept of ['Agent note', 'AI says: renewal likely', 'Jane: hello', 'RS: hello', '1 minute 30 seconds', 'Call connected', 'https://media.ringcentral.com/recording/1']) {
      expect(before).toContain(kept);
      expect(after).toContain(kept);
    }
    expect(after).toContain('Renewal discussed');
    const [row] = await t.get(CallLogsRepository).findBySessions(`local-${ownerOf('demo')}`, [sessionId], 'ext-ai');
    expect(JSON.stringify(row)).not.toContain('secret-token');
    expect(JSON.stringify(await t.get(LocalCrmStore).findActivity(ownerOf('demo'), logId))).not.toContain('secret-token');
  });
});
