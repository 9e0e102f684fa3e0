import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CallNoteCacheRepository } from '../src/persistence/repositories/call-note-cache.repository.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const RC_EXTENSION_ID = 62264425001;
/** The local CRM's owner id for an API key. */
const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
const PIPEDRIVE_TOKEN = 'pd-api-token-sscl-0123456789';

describe.each(['local', 'pipedrive'] as const)('server-side call logging on %s (e2e)', (platform) => {
  let t: TestApp;
  let fake: FakePipedriveServer;
  let jwt: string;
  let hashedExtensionId: string;
  let contactId: string;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    fake.addUser({ id: 51, name: 'Sasha Server' }, PIPEDRIVE_TOKEN);
    const jane = fake.addPerson({ name: 'Jane Smith', phones: ['+14155550100'] });
    t = await createTestApp({ env: { ...fake.env(), HASH_KEY: 'sscl-hash-key-0123' } });
    jwt = platform === 'local' ? await t.login('local', 'demo') : await t.login('pipedrive', PIPEDRIVE_TOKEN);
    contactId = platform === 'local' ? '1' : String(jane.id);
    hashedExtensionId = (await t.http.get(`/userInfoHash?extensionId=${RC_EXTENSION_ID}&accountId=1`).expect(200)).body.extensionId;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** One request, as the extension (hashed id) or as server-side logging (raw id, User-Agent SSCL). */
  const send = async (as: 'extension' | 'sscl', method: 'get' | 'post' | 'patch', path: string, body?: Record<string, unknown>) => {
    const request = t.http[method](path).set('Authorization', `Bearer ${jwt}`);
    if (as === 'sscl') request.set('User-Agent', 'SSCL');
    const identity = as === 'sscl' ? { rcExtensionId: String(RC_EXTENSION_ID) } : { hashedExtensionId };
    const response = body ? await request.send({ ...body, ...identity }) : await request;
    expectResponseMatchesContract(method, path, response);
    return response;
  };
  const callBody = (sessionId: string, extra: Record<string, unknown> = {}) => ({
    logInfo: {
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 42,
      result: 'Call connected',
    },
    contactId,
    contactName: 'Jane Smith',
    ...extra,
  });
  const lookup = (sessionId: string) => send('extension', 'get', `/callLog?sessionIds=${sessionId}&hashedExtensionId=${hashedExtensionId}`);
  const bodyOf = async (logId: string): Promise<string> => {
    if (platform === 'pipedrive') return String(fake.activities.get(Number(logId))?.note ?? '');
    return (await t.get(LocalCrmStore).findActivity(ownerOf('demo'), logId))?.body ?? '';
  };

  it('an SSCL log is the same log the extension sees, reads and patches', async () => {
    const sessionId = `sscl-${randomUUID()}`;
    const created = await send('sscl', 'post', '/callLog', callBody(sessionId, { note: 'Logged by the server' }));
    expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
    const seen = await lookup(sessionId);
    expect(seen.body.logs).toEqual([expect.objectContaining({ sessionId, matched: true, logId: created.body.logId })]);
    const patched = await send('extension', 'patch', '/callLog', { sessionId, note: 'Edited in the extension' });
    expect(patched.body.successful).toBe(true);
    expect(await bodyOf(created.body.logId)).toContain('Edited in the extension');
    const again = await send('extension', 'post', '/callLog', callBody(sessionId));
    expect(again.body.returnMessage.message).toMatch(/Existing log for session/);
  });

  it('the extension logs first; SSCL then answers "Existing log" and its PATCH updates that log', async () => {
    const sessionId = `ext-${randomUUID()}`;
    const created = await send('extension', 'post', '/callLog', callBody(sessionId, { note: 'From the extension' }));
    const duplicate = await send('sscl', 'post', '/callLog', callBody(sessionId));
    expect(duplicate.body).toMatchObject({ successful: false, returnMessage: { message: expect.stringMatching(/Existing log for session/) } });
    await send('sscl', 'patch', '/callLog', { sessionId, result: 'Voicemail' });
    const body = await bodyOf(created.body.logId);
    expect(body).toContain('Voicemail');
    expect(body).toContain('From the extension');
  });

  it('a note cached during the call lands in the SSCL log of that call only, and not once expired', async () => {
    const sessionId = `note-${randomUUID()}`;
    const cached = await send('extension', 'post', '/callLog/cacheNote', { sessionId, note: 'Typed during the call' });
    expect(cached.body.successful).toBe(true);
    const created = await send('sscl', 'post', '/callLog', callBody(sessionId));
    expect(await bodyOf(created.body.logId)).toContain('Typed during the call');

    // The extension's own create does not take the cached note: it sends what the user kept.
    const other = `note-${randomUUID()}`;
    await send('extension', 'post', '/callLog/cacheNote', { sessionId: other, note: 'Not for the extension log' });
    const own = await send('extension', 'post', '/callLog', callBody(other));
    expect(await bodyOf(own.body.logId)).not.toContain('Not for the extension log');

    const expired = `note-${randomUUID()}`;
    await t.get(CallNoteCacheRepository).put(jwtUserId(jwt), expired, 'Too old', new Date(Date.now() - 1000));
    const late = await send('sscl', 'post', '/callLog', callBody(expired));
    expect(await bodyOf(late.body.logId)).not.toContain('Too old');
  });

  it('tells the extension that notes are cached for server-side logging', async () => {
    const interfaces = await t.http.get(`/implementedInterfaces?platform=${platform}`).expect(200);
    expect(interfaces.body.cacheCallNote).toBe(true);
  });
});

function jwtUserId(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { sub: string }).sub;
}
