import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
const PIPEDRIVE_TOKEN = 'pd-api-token-disposition-012345';

describe('PUT /callDisposition (e2e)', () => {
  let t: TestApp;
  let fake: FakePipedriveServer;
  let local: string;
  let pipedrive: string;
  let janeId: number;
  let dealId: number;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    fake.addUser({ id: 61, name: 'Dora Disposition' }, PIPEDRIVE_TOKEN);
    janeId = fake.addPerson({ name: 'Jane Smith', phones: ['+14155550100'] }).id;
    dealId = fake.addDeal(janeId, 'Renewal 2027').id;
    t = await createTestApp({ env: fake.env() });
    local = await t.login('local', 'demo');
    pipedrive = await t.login('pipedrive', PIPEDRIVE_TOKEN);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const logCall = async (jwt: string, contactId: string) => {
    const sessionId = `disp-${randomUUID()}`;
    const response = await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send({
        logInfo: { sessionId, direction: 'Inbound', from: { phoneNumber: '+14155550100' }, to: { phoneNumber: '+16505550199' }, duration: 30 },
        hashedExtensionId: 'ext-hash-1',
        contactId,
        contactName: 'Jane Smith',
      })
      .expect(200);
    return { sessionId, logId: response.body.logId as string };
  };
  const dispose = async (jwt: string, body: Record<string, unknown>) => {
    const response = await t.http.put('/callDisposition').set('Authorization', `Bearer ${jwt}`).send(body);
    expectResponseMatchesContract('put', '/callDisposition', response);
    return response;
  };

  it('keeps the dispositions on the local CRM activity, later values replacing earlier ones field by field', async () => {
    const { sessionId, logId } = await logCall(local, '1');
    const first = await dispose(local, { sessionId, hashedExtensionId: 'ext-hash-1', dispositions: { outcome: 'Interested', followUp: 'yes' } });
    expect(first.body).toMatchObject({ successful: true, logId });
    await dispose(local, { sessionId, hashedExtensionId: 'ext-hash-1', dispositions: { outcome: 'Closed' } });
    const activity = await t.get(LocalCrmStore).findActivity(ownerOf('demo'), logId);
    expect(activity?.details?.dispositions).toEqual({ outcome: 'Closed', followUp: 'yes' });
  });

  it('links the Pipedrive activity with the chosen deal', async () => {
    const { sessionId, logId } = await logCall(pipedrive, String(janeId));
    const answer = await dispose(pipedrive, { sessionId, hashedExtensionId: 'ext-hash-1', dispositions: { deals: String(dealId) } });
    expect(answer.body).toMatchObject({ successful: true, logId });
    expect(fake.activities.get(Number(logId))).toMatchObject({ deal_id: dealId });
    const [patch] = fake.requestsTo('PATCH', new RegExp(`/api/v2/activities/${logId}$`)).slice(-1);
    expect(patch.body).toEqual({ deal_id: dealId, lead_id: null });
  });

  it('answers not found for a call that was never logged, and names a missing dispositions', async () => {
    const unknown = await dispose(local, { sessionId: 'never-logged', hashedExtensionId: 'ext-hash-1', dispositions: { outcome: 'x' } });
    expect(unknown.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringMatching(/No call log found/) } });
    const missing = await t.http.put('/callDisposition').set('Authorization', `Bearer ${local}`).send({ sessionId: 'x' }).expect(400);
    expect(missing.body.fields).toEqual(['dispositions']);
  });
});
