import 'reflect-metadata';
import { AccountDataRepository } from '../src/persistence/repositories/account-data.repository.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ACTIVITY_TYPES = /^\/api\/v1\/activityTypes$/;

describe('GET /accountData (e2e, fake Pipedrive)', () => {
  let t: TestApp;
  let fake: FakePipedriveServer;
  let alice: string;
  let bruno: string;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    // Two users of one company, one of another.
    fake.addUser({ id: 41, name: 'Alice', company_id: 501 }, 'pd-token-alice-account-data-0001');
    fake.addUser({ id: 42, name: 'Bruno', company_id: 501 }, 'pd-token-bruno-account-data-0002');
    fake.addUser({ id: 43, name: 'Carla', company_id: 777 }, 'pd-token-carla-account-data-0003');
    t = await createTestApp({
      env: { ...fake.env(), CRM_HTTP_MAX_RETRIES: '0' },
    });
    alice = await t.login('pipedrive', 'pd-token-alice-account-data-0001');
    bruno = await t.login('pipedrive', 'pd-token-bruno-account-data-0002');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const read = async (jwt: string, query: string) => {
    const path = `/accountData?${query}`;
    const response = await t.http.get(path).set('Authorization', `Bearer ${jwt}`);
    expectResponseMatchesContract('get', path, response);
    return response;
  };

  it("serves the company's activity types, loaded once for all its users until forceRefresh", async () => {
    const before = fake.requestsTo('GET', ACTIVITY_TYPES).length;
    const first = await read(alice, 'keys=activityTypes');
    expect(first.body).toEqual({
      successful: true,
      data: { activityTypes: expect.arrayContaining([{ id: 1, name: 'Call', key: 'call', active: true }]) },
    });
    const second = await read(bruno, 'keys=activityTypes');
    expect(second.body.data).toEqual(first.body.data);
    expect(fake.requestsTo('GET', ACTIVITY_TYPES).length - before).toBe(1);

    await read(bruno, 'keys=activityTypes&forceRefresh=true');
    expect(fake.requestsTo('GET', ACTIVITY_TYPES).length - before).toBe(2);

    // Another company has its own entry.
    const carla = await t.login('pipedrive', 'pd-token-carla-account-data-0003');
    await read(carla, 'keys=activityTypes');
    expect(fake.requestsTo('GET', ACTIVITY_TYPES).length - before).toBe(3);
  });

  it('serves the last value with a warning when a refresh fails, and the CRM failure when there is none', async () => {
    await read(alice, 'keys=activityTypes');
    // Expire the stored entry, then let Pipedrive fail the reload.
    const repository = t.get(AccountDataRepository);
    const key = { platform: 'pipedrive', accountKey: 'company:501', dataKey: 'activityTypes' };
    const stored = await repository.find(key);
    await repository.store(key, stored!.value, new Date(Date.now() - 1000));
    fake.failNext({ status: 503, body: { success: false, error: 'Service unavailable' }, path: ACTIVITY_TYPES });
    const stale = await read(alice, 'keys=activityTypes');
    expect(stale.body).toMatchObject({ successful: true, data: { activityTypes: stored!.value }, returnMessage: { messageType: 'warning' } });

    fake.addUser({ id: 44, name: 'Dana', company_id: 888 }, 'pd-token-dana-account-data-0004');
    const dana = await t.login('pipedrive', 'pd-token-dana-account-data-0004');
    fake.failNext({ status: 503, body: { success: false, error: 'Service unavailable' }, path: ACTIVITY_TYPES });
    const none = await t.http.get('/accountData?keys=activityTypes').set('Authorization', `Bearer ${dana}`).expect(200);
    expect(none.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringMatching(/Service unavailable/) } });
  });

  it('names a key the connector does not offer', async () => {
    const unknown = await t.http.get('/accountData?keys=activityTypes,pipelines').set('Authorization', `Bearer ${alice}`).expect(400);
    expect(unknown.body.fields).toEqual(['keys']);
    expect(unknown.body.message).toMatch(/"pipelines".*offers activityTypes/);
    const local = await t.login('local', 'demo');
    const other = await t.http.get('/accountData?keys=activityTypes').set('Authorization', `Bearer ${local}`).expect(400);
    expect(other.body.message).toMatch(/offers contactTypes/);
    const types = await t.http.get('/accountData?keys=contactTypes').set('Authorization', `Bearer ${local}`).expect(200);
    expect(types.body.data).toEqual({ contactTypes: ['Contact', 'Lead'] });
    await t.http.get('/accountData').set('Authorization', `Bearer ${alice}`).expect(400);
  });
});
