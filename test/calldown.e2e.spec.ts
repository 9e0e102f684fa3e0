import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('/calldown: the call-back list (e2e)', () => {
  let t: TestApp;
  let demo: string;
  let second: string;

  beforeAll(async () => {
    t = await createTestApp();
    demo = await t.login('local', 'demo');
    second = await t.login('local', 'second');
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
  /** Sends and checks the answer against the contract. */
  const call = async (method: 'get' | 'post' | 'patch' | 'delete', path: string, jwt: string, body?: object) => {
    const request = t.http[method](path).set(as(jwt));
    const response = body ? await request.send(body) : await request;
    expectResponseMatchesContract(method, path, response);
    return response;
  };

  it('adds, lists soonest first, filters by status, updates and removes entries', async () => {
    const later = await call('post', '/calldown', demo, {
      contactId: 42,
      contactName: 'Jane Smith',
      phoneNumber: '+14155550100',
      note: 'Renewal',
      scheduledAt: '2026-12-03T09:00:00.000Z',
    });
    expect(later.body).toEqual({ successful: true, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const sooner = await call('post', '/calldown', demo, { contactId: '7', contactType: 'Lead', scheduledAt: '2026-12-02T09:00:00Z' });
    const unscheduled = await call('post', '/calldown', demo, { contactId: '8' });

    const all = await call('get', '/calldown', demo);
    expect(all.body.items.map((item: { id: string }) => item.id)).toEqual([sooner.body.id, later.body.id, unscheduled.body.id]);
    expect(all.body.items[1]).toMatchObject({
      contactId: '42',
      contactType: 'contact',
      contactName: 'Jane Smith',
      phoneNumber: '+14155550100',
      note: 'Renewal',
      status: 'scheduled',
      scheduledAt: '2026-12-03T09:00:00.000Z',
      lastCallAt: null,
    });

    await call('patch', `/calldown/${sooner.body.id}`, demo, { status: 'called', lastCallAt: '2026-12-02T09:05:00Z' });
    const called = await call('get', '/calldown?status=called', demo);
    expect(called.body.items).toEqual([expect.objectContaining({ id: sooner.body.id, status: 'called', lastCallAt: '2026-12-02T09:05:00.000Z' })]);
    const notCalled = await call('get', '/calldown?status=not_called', demo);
    expect(notCalled.body.items.map((item: { id: string }) => item.id)).toEqual([later.body.id, unscheduled.body.id]);

    await call('patch', `/calldown/${later.body.id}`, demo, { scheduledAt: null, note: 'No rush' });
    const cleared = (await call('get', '/calldown', demo)).body.items.find((item: { id: string }) => item.id === later.body.id);
    expect(cleared).toMatchObject({ scheduledAt: null, note: 'No rush', contactName: 'Jane Smith' });

    await call('delete', `/calldown/${unscheduled.body.id}`, demo);
    expect((await call('get', '/calldown', demo)).body.items).toHaveLength(2);
  });

  it("keeps each user's list to themselves: another user's entry is not found", async () => {
    const mine = await call('post', '/calldown', demo, { contactId: '99' });
    expect((await call('get', '/calldown', second)).body.items).toEqual([]);
    const patch = await call('patch', `/calldown/${mine.body.id}`, second, { status: 'called' });
    expect(patch.status).toBe(400);
    expect(patch.body.fields).toEqual(['id']);
    const remove = await call('delete', `/calldown/${mine.body.id}`, second);
    expect(remove.status).toBe(400);
    expect((await call('get', '/calldown', demo)).body.items.map((item: { id: string }) => item.id)).toContain(mine.body.id);
  });

  it('names malformed fields and writes nothing', async () => {
    const before = (await call('get', '/calldown', demo)).body.items.length;
    const badTime = await call('post', '/calldown', demo, { contactId: '1', scheduledAt: 'tomorrow' });
    expect(badTime.status).toBe(400);
    expect(badTime.body.fields).toEqual(['scheduledAt']);
    const badId = await call('post', '/calldown', demo, { contactId: { id: 1 } });
    expect(badId.body.fields).toEqual(['contactId']);
    const entry = await call('post', '/calldown', demo, { contactId: '5' });
    const empty = await call('patch', `/calldown/${entry.body.id}`, demo, {});
    expect(empty.status).toBe(400);
    expect((await call('get', '/calldown', demo)).body.items.length).toBe(before + 1);
    const unknown = await call('patch', '/calldown/00000000-0000-4000-8000-000000000000', demo, { status: 'called' });
    expect(unknown.status).toBe(400);
  });

  it('needs a session', async () => {
    expect((await t.http.get('/calldown')).status).toBe(401);
  });
});
