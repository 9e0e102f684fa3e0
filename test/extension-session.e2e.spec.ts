import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { FakeRingCentralServer } from './fakes/fake-ringcentral.server.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Replays what the App Connect extension calls in one session, in the order of
 * extension-session.md, and checks every answer against the contract's schema for its
 * operation and status. One run per connector.
 */

const RC_EXTENSION_ID = 62264425001;
const RC_ACCOUNT_ID = 37439510;
const PIPEDRIVE_TOKEN = 'pd-api-token-session-replay-0123';

interface Platform {
  name: string;
  login: Record<string, unknown>;
  /** A number the CRM has a contact for. */
  phoneNumber: string;
}

describe.each([
  { name: 'local', login: { platform: 'local', apiKey: 'demo' }, phoneNumber: '+14155550100' },
  { name: 'pipedrive', login: { platform: 'pipedrive', apiKey: PIPEDRIVE_TOKEN }, phoneNumber: '+14155550100' },
] satisfies Platform[])('an extension session on $name (e2e, contract-checked)', (platform) => {
  let t: TestApp;
  let rc: FakeRingCentralServer;
  let pipedrive: FakePipedriveServer;
  /** Every step's operation, in order, so the test shows it replayed the whole session. */
  const operations: string[] = [];

  beforeAll(async () => {
    rc = await FakeRingCentralServer.start();
    rc.addToken('rc-token-user', { id: RC_EXTENSION_ID, accountId: RC_ACCOUNT_ID, name: 'Uma User', admin: false });
    rc.addToken('rc-token-admin', { id: RC_EXTENSION_ID + 1, accountId: RC_ACCOUNT_ID, name: 'Ada Admin', admin: true });
    pipedrive = await FakePipedriveServer.start();
    pipedrive.addUser({ id: 11, name: 'Alice Agent', timezone_name: 'Europe/Berlin' }, PIPEDRIVE_TOKEN);
    pipedrive.addPerson({ name: 'Jane Smith', phones: ['(415) 555-0100'] });
    t = await createTestApp({
      env: {
        RINGCENTRAL_SERVER_URL: rc.url,
        ...pipedrive.env(),
        HASH_KEY: 'session-replay-hash-key',
        PUBLIC_BASE_URL: 'https://crm-connector.example.com',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await rc.close();
    await pipedrive.close();
  });

  /** Sends one request and checks its answer against the contract. */
  async function step(method: 'get' | 'post' | 'patch', path: string, send: (call: Test) => Test = (c) => c) {
    const response = await send(t.http[method](path));
    const check = expectResponseMatchesContract(method, path, response);
    operations.push(`${check.operationId} ${response.status}${check.validated ? '' : ' (no schema)'}`);
    return response;
  }

  it('runs from start-up to logout with every answer matching the contract', async () => {
    // 1. The manifest, loaded as a custom manifest.
    const manifest = await step('get', `/crmManifest?platformName=${platform.name}`);
    expect(manifest.status).toBe(200);
    expect(manifest.body.serverUrl).toBe('https://crm-connector.example.com');
    expect(manifest.body.platforms[platform.name]).toBeDefined();

    // 2. Each start: the hashed RingCentral ids.
    const hashes = await step('get', `/userInfoHash?extensionId=${RC_EXTENSION_ID}&accountId=${RC_ACCOUNT_ID}`);
    expect(hashes.status).toBe(200);
    const { accountId: hashedAccountId, extensionId: hashedExtensionId } = hashes.body as Record<string, string>;

    // 3. CRM login.
    const login = await step('post', '/apiKeyLogin', (c) => c.send(platform.login));
    expect(login.status).toBe(200);
    const jwt = login.body.jwtToken as string;
    const session = (c: Test) => c.set('Authorization', `Bearer ${jwt}`).set('rc-account-id', hashedAccountId);

    // 4. The start-up chain, not error-handled by the extension: every answer a 200.
    const settings = await step('get', `/user/settings?rcAccountId=${hashedAccountId}`, session);
    expect(settings.status).toBe(200);
    const saved = await step('post', '/user/settings', (c) =>
      session(c).send({ userSettings: { ...settings.body, logDateFormat: { value: 'DD.MM.YYYY HH:mm' } }, settingKeysToRemove: [] }),
    );
    expect(saved.status).toBe(200);
    expect(saved.body.userSettings.logDateFormat).toEqual({ value: 'DD.MM.YYYY HH:mm' });
    const refreshed = await step('post', '/user/refreshInfo', session);
    expect(refreshed.body.successful).toBe(true);

    // 5. Admin check (403 expected for most users), interfaces, release notes, preload, call-down list.
    const notAdmin = await step('get', '/admin/settings', (c) => session(c).set('X-RC-Access-Token', 'rc-token-user'));
    expect(notAdmin.status).toBe(403);
    const admin = await step('get', '/admin/settings', (c) => session(c).set('X-RC-Access-Token', 'rc-token-admin'));
    expect(admin.status).toBe(200);
    const interfaces = await step('get', `/implementedInterfaces?platform=${platform.name}`, session);
    expect(interfaces.status).toBe(200);
    const notes = await step('get', '/releaseNotes');
    expect(notes.status).toBe(200);
    const preload = await step('get', `/user/preloadSettings?rcAccountId=${hashedAccountId}`);
    expect(preload.status).toBe(200);
    const calldown = await step('get', '/calldown', session);
    expect(calldown.body).toEqual({ successful: true, items: [] });

    // 6. A call: contact pop, logged-state check, log, check again, edit.
    const contact = await step('get', `/contact?phoneNumber=${encodeURIComponent(platform.phoneNumber)}`, session);
    expect(contact.body.successful).toBe(true);
    const jane = (contact.body.contact as { id: string; name: string; isNewContact?: boolean }[]).find((c) => !c.isNewContact)!;
    expect(jane.name).toBe('Jane Smith');
    const sessionId = `replay-${randomUUID()}`;
    const before = await step('get', `/callLog?sessionIds=${sessionId}&hashedExtensionId=${hashedExtensionId}`, session);
    expect(before.body.logs).toEqual([expect.objectContaining({ sessionId, matched: false })]);
    const created = await step('post', '/callLog', (c) =>
      session(c).send({
        logInfo: {
          id: 'rc-call-replay',
          sessionId,
          direction: 'Outbound',
          from: { phoneNumber: '+16505550199', extensionNumber: '101', name: 'Uma User' },
          to: { phoneNumber: platform.phoneNumber, name: 'Jane Smith' },
          startTime: '2026-06-24T02:30:00.000Z',
          duration: 125,
          result: 'Call connected',
        },
        hashedExtensionId,
        contactId: jane.id,
        contactName: jane.name,
        contactType: 'Contact',
        note: 'Replay call note.',
      }),
    );
    expect(created.body).toMatchObject({ successful: true, logId: expect.any(String) });
    const after = await step('get', `/callLog?sessionIds=${sessionId}&hashedExtensionId=${hashedExtensionId}`, session);
    expect(after.body.logs).toEqual([expect.objectContaining({ sessionId, matched: true, logId: created.body.logId })]);
    const patched = await step('patch', '/callLog', (c) =>
      session(c).send({ sessionId, hashedExtensionId, note: 'Edited after the call.', recordingLink: 'https://media.example.com/rec/1' }),
    );
    expect(patched.body.successful).toBe(true);

    // 7. SMS sync.
    const sms = await step('post', '/messageLog', (c) =>
      session(c).send({
        contactId: jane.id,
        contactName: jane.name,
        contactType: 'Contact',
        logInfo: {
          conversationId: '5578984350117917661',
          correspondents: [{ phoneNumber: platform.phoneNumber, name: 'Jane Smith' }],
          messages: [
            {
              id: 'replay-sms-1',
              type: 'SMS',
              direction: 'Inbound',
              from: { phoneNumber: platform.phoneNumber, name: 'Jane Smith' },
              to: [{ phoneNumber: '+16505550199', extensionNumber: '101' }],
              subject: 'Hello from the replay',
              creationTime: '2026-06-24T03:00:00.000Z',
              conversationId: '5578984350117917661',
            },
          ],
        },
      }),
    );
    expect(sms.body).toMatchObject({ successful: true });
    expect(sms.body.logIds).toHaveLength(1);

    // 8. Logout; the old token is then refused as a revoked CRM session.
    const logout = await step('post', '/unAuthorize', session);
    expect(logout.body.successful).toBe(true);
    const revoked = await t.http.get('/user/settings').set('Authorization', `Bearer ${jwt}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.errorCode).toBe('CRM_SESSION_REVOKED');

    expect(operations).toHaveLength(19);
  });
});
