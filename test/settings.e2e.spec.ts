import { Injectable, Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { hashRingCentralId } from '../src/common/ring-central-id-hash.js';
import { danger } from '../src/common/return-message.js';
import { Connector } from '../src/connectors/connector.decorator.js';
import type { CrmConnector, CrmCredentials, UserInfoResult } from '../src/connectors/crm-connector.interface.js';
import type { UserSettings } from '../src/common/user-settings.js';
import { FakeRingCentralServer } from './fakes/fake-ringcentral.server.js';
import { createTestApp, TEST_SECRET, type TestApp } from './support/test-app.js';

const HASH_KEY = 'settings-test-hash-key';
const ACCOUNT = 37439510;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A connector that refuses one settings value, to show a refusal stores nothing. */
@Connector()
@Injectable()
class PickyConnector implements Partial<CrmConnector> {
  readonly name = 'picky';
  readonly manifest = {
    displayName: 'Picky CRM',
    authType: 'apiKey' as const,
    logFormat: 'text/plain' as const,
    page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
  };
  getAuthHeader(credentials: CrmCredentials) {
    return credentials.apiKey ?? '';
  }
  async getUserInfo(): Promise<UserInfoResult> {
    return { successful: true, platformUserInfo: { id: 'p1', name: 'Picky User', timezoneName: 'UTC' } };
  }
  async onUpdateUserSettings({ updatedSettings }: { updatedSettings: UserSettings }) {
    return updatedSettings.activityType?.value === 'forbidden'
      ? { successful: false, returnMessage: danger('Picky CRM has no activity type "forbidden".') }
      : { successful: true };
  }
  async refreshUserInfo(): Promise<UserInfoResult> {
    return { successful: true, platformUserInfo: { id: 'p1', name: 'Picky Renamed', timezoneName: 'Asia/Tokyo' } };
  }
}

@Module({ providers: [PickyConnector] })
class PickyModule {}

describe('extension start-up: hashes, settings, admin settings (e2e)', () => {
  let t: TestApp;
  let rc: FakeRingCentralServer;
  const hashedAccount = hashRingCentralId(ACCOUNT, HASH_KEY);

  beforeAll(async () => {
    rc = await FakeRingCentralServer.start();
    rc.addToken('rc-admin', { id: 101, accountId: ACCOUNT, name: 'Ada Admin', admin: true });
    rc.addToken('rc-user', { id: 102, accountId: ACCOUNT, name: 'Uma User', admin: false });
    rc.addToken('rc-other-admin', { id: 201, accountId: 99999, name: 'Olga Other', admin: true });
    t = await createTestApp({
      env: { HASH_KEY, RINGCENTRAL_SERVER_URL: rc.url, CRM_HTTP_TIMEOUT_MS: '500', CRM_HTTP_MAX_RETRIES: '0' },
      imports: [PickyModule],
    });
  });
  afterAll(async () => {
    await t.close();
    await rc.close();
  });
  afterEach(() => {
    rc.failWith = undefined;
    rc.hang = false;
  });

  describe('GET /userInfoHash', () => {
    it('answers hex sha256 of "<id>:<HASH_KEY>" for each id', async () => {
      const response = await t.http.get('/userInfoHash').query({ extensionId: '62264425001', accountId: String(ACCOUNT) }).expect(200);
      expect(response.body).toEqual({
        extensionId: hashRingCentralId('62264425001', HASH_KEY),
        accountId: hashedAccount,
      });
      expect(response.body.extensionId).toMatch(/^[0-9a-f]{64}$/);
    });

    it('names the ids when neither is sent, and refuses ids that are not RingCentral ids', async () => {
      const none = await t.http.get('/userInfoHash').expect(400);
      expect(none.body.fields).toEqual(['extensionId', 'accountId']);
      const bad = await t.http.get('/userInfoHash').query({ accountId: '12;drop' }).expect(400);
      expect(bad.body.fields).toEqual(['accountId']);
    });
  });

  describe('user settings', () => {
    it('stores settings per user, removes keys on request, and keeps concurrent saves of different keys', async () => {
      const demo = await t.login('local', 'demo');
      const second = await t.login('local', 'second');
      expect((await t.http.get('/user/settings').set(auth(demo)).expect(200)).body).toEqual({});

      const saved = await t.http
        .post('/user/settings')
        .set(auth(demo))
        .send({ userSettings: { logDateFormat: { value: 'DD/MM/YYYY' }, addCallLogNote: { value: false } }, settingKeysToRemove: [] })
        .expect(200);
      expect(saved.body).toEqual({ userSettings: { logDateFormat: { value: 'DD/MM/YYYY' }, addCallLogNote: { value: false } } });

      await Promise.all(
        ['a', 'b', 'c', 'd'].map((key) =>
          t.http.post('/user/settings').set(auth(demo)).send({ userSettings: { [key]: { value: key } } }).expect(200),
        ),
      );
      const removed = await t.http.post('/user/settings').set(auth(demo)).send({ settingKeysToRemove: ['addCallLogNote'] }).expect(200);
      expect(Object.keys(removed.body.userSettings).sort()).toEqual(['a', 'b', 'c', 'd', 'logDateFormat']);

      // Another user of the same CRM sees none of it.
      expect((await t.http.get('/user/settings').set(auth(second)).expect(200)).body).toEqual({});
    });

    it('names a malformed setting by its path and stores nothing', async () => {
      const token = await t.login('local', 'second');
      const response = await t.http
        .post('/user/settings')
        .set(auth(token))
        .send({ userSettings: { fine: { value: 1 }, theme: 'dark' } })
        .expect(400);
      expect(response.body.fields).toEqual(['userSettings.theme']);
      const keys = await t.http.post('/user/settings').set(auth(token)).send({ settingKeysToRemove: 'x' }).expect(400);
      expect(keys.body.fields).toEqual(['settingKeysToRemove']);
      expect((await t.http.get('/user/settings').set(auth(token))).body).toEqual({});
    });

    it("lets the connector refuse a change with its reason, storing nothing", async () => {
      const token = await t.login('picky', 'any');
      const refused = await t.http
        .post('/user/settings')
        .set(auth(token))
        .send({ userSettings: { activityType: { value: 'forbidden' }, other: { value: 1 } } })
        .expect(200);
      expect(refused.body).toEqual({
        successful: false,
        returnMessage: expect.objectContaining({ message: 'Picky CRM has no activity type "forbidden".' }),
      });
      expect((await t.http.get('/user/settings').set(auth(token))).body).toEqual({});
      const accepted = await t.http.post('/user/settings').set(auth(token)).send({ userSettings: { activityType: { value: 'call' } } });
      expect(accepted.body).toEqual({ userSettings: { activityType: { value: 'call' } } });
    });

    it("refreshes the user info through the connector's refreshUserInfo, else answers a no-op success", async () => {
      const local = await t.login('local', 'demo');
      const noop = await t.http.post('/user/refreshInfo').set(auth(local)).expect(200);
      expect(noop.body).toMatchObject({ successful: true });
      const picky = await t.login('picky', 'any');
      const refreshed = await t.http.post('/user/refreshInfo').set(auth(picky)).expect(200);
      expect(refreshed.body).toMatchObject({ successful: true, returnMessage: { messageType: 'success' } });
      const users = t.get<{ findById(id: string): Promise<{ name: string; timezone: string } | null> }>(
        (await import('../src/persistence/repositories/users.repository.js')).UsersRepository,
      );
      expect(await users.findById('picky-p1')).toMatchObject({ name: 'Picky Renamed', timezone: 'Asia/Tokyo' });
    });
  });

  describe('admin settings', () => {
    const adminSettings = {
      userSettings: {
        locked: { value: 'admin' },
        open: { value: 'admin', customizable: true, options: ['admin', 'mine'] },
        gone: { value: 'admin', isRemoved: true },
        pinned: { value: 'admin', customizable: true, readOnly: true },
        bare: true,
      },
    };

    it('needs a RingCentral token (400 naming it) and an admin (403)', async () => {
      const token = await t.login('local', 'demo');
      const none = await t.http.get('/admin/settings').set(auth(token)).expect(400);
      expect(none.body.fields).toEqual(['X-RC-Access-Token']);
      const refused = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'not-a-token').expect(400);
      expect(refused.body.fields).toEqual(['X-RC-Access-Token']);
      expect(refused.body.message).toMatch(/RingCentral did not accept/);
      const user = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'rc-user').expect(403);
      expect(user.body.message).toMatch(/admin/);
      await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-user').send({ adminSettings }).expect(403);
      // The RingCentral token never reaches a log line or an answer; RingCentral got it as a Bearer token.
      expect(rc.requests.at(-1)?.authorization).toBe('Bearer rc-user');
    });

    it('answers a clear 502 naming RingCentral when it fails or does not answer', async () => {
      const token = await t.login('local', 'demo');
      rc.failWith = 503;
      const failing = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'rc-admin-503').expect(502);
      expect(failing.body.message).toMatch(/RingCentral/);
      rc.failWith = undefined;
      rc.hang = true;
      const hung = await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-admin-hang').send({ adminSettings }).expect(502);
      expect(hung.body.message).toMatch(/RingCentral .*did not answer/);
    });

    it("saves and reads the account's settings for its admins only", async () => {
      const token = await t.login('local', 'demo');
      const empty = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'rc-admin').expect(200);
      expect(empty.body).toEqual({ userSettings: {} });
      const saved = await t.http.post('/admin/settings').query({ rcAccessToken: 'rc-admin' }).send({ adminSettings }).expect(200);
      expect(saved.text).toBe('Admin settings updated');
      expect(saved.headers['content-type']).toMatch(/^text\/html/);
      const read = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'rc-admin').expect(200);
      expect(read.body).toEqual(adminSettings);
      // Another account's admin sees their own (empty) settings.
      const other = await t.http.get('/admin/settings').set(auth(token)).set('X-RC-Access-Token', 'rc-other-admin').expect(200);
      expect(other.body).toEqual({ userSettings: {} });
      const malformed = await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-admin').send({ adminSettings: { userSettings: [] } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.fields).toEqual(['adminSettings.userSettings']);
      await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-admin').send({}).expect(400);
    });

    it('merges the admin settings over the user settings: customizable, isRemoved, readOnly', async () => {
      await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-admin').send({ adminSettings }).expect(200);
      const token = await t.login('local', 'second');
      const mine = { locked: { value: 'mine' }, open: { value: 'mine' }, gone: { value: 'mine' }, pinned: { value: 'mine' }, own: { value: 'mine' } };
      // Before the user's account is known, only their own settings apply.
      await t.http.post('/user/settings').set(auth(token)).send({ userSettings: mine }).expect(200);
      const merged = await t.http.get('/user/settings').query({ rcAccountId: hashedAccount }).set(auth(token)).expect(200);
      expect(merged.body).toEqual({
        locked: { value: 'admin' },
        open: { value: 'mine', customizable: true, options: ['admin', 'mine'] },
        pinned: { value: 'admin', customizable: true, readOnly: true },
        bare: { value: true },
        own: { value: 'mine' },
      });
      // Once the account is known, a user's save cannot change what the admin locked.
      const saved = await t.http
        .post('/user/settings')
        .set(auth(token))
        .send({ userSettings: { locked: { value: 'again' }, pinned: { value: 'again' }, open: { value: 'again' } } })
        .expect(200);
      expect(saved.body.userSettings).toMatchObject({ locked: { value: 'admin' }, pinned: { value: 'admin' }, open: { value: 'again' } });
    });

    it('preloads the account settings before any CRM login, by token or by hashed account id', async () => {
      await t.http.post('/admin/settings').set('X-RC-Access-Token', 'rc-admin').send({ adminSettings }).expect(200);
      const byToken = await t.http.get('/user/preloadSettings').set('X-RC-Access-Token', 'rc-user').expect(200);
      expect(byToken.body.userSettings.locked).toEqual({ value: 'admin' });
      const byId = await t.http.get('/user/preloadSettings').query({ rcAccountId: hashedAccount }).expect(200);
      expect(byId.body).toEqual(byToken.body);
      const unknown = await t.http.get('/user/preloadSettings').query({ rcAccountId: 'a'.repeat(64) }).expect(200);
      expect(unknown.body).toEqual({});
      expect((await t.http.get('/user/preloadSettings').expect(200)).body).toEqual({});
      await t.http.get('/user/preloadSettings').query({ rcAccountId: 'not-a-hash' }).expect(400);
    });
  });

  describe('sessions', () => {
    const jwt = new JwtService();

    it('sends a renewed token in x-refreshed-jwt-token once fewer than 7 days are left, exposed through CORS', async () => {
      const token = await t.login('local', 'demo');
      const fresh = await t.http.get('/user/settings').set(auth(token)).expect(200);
      expect(fresh.headers['x-refreshed-jwt-token']).toBeUndefined();

      const { sub, platform, sv } = jwt.decode(token) as Record<string, unknown>;
      const exp = Math.floor(Date.now() / 1000) + 6 * 24 * 3600;
      const aging = jwt.sign({ sub, platform, sv, exp }, { secret: TEST_SECRET });
      const response = await t.http.get('/user/settings').set(auth(aging)).set('Origin', 'chrome-extension://abc').expect(200);
      const renewed = response.headers['x-refreshed-jwt-token'];
      expect(renewed).toEqual(expect.any(String));
      expect(response.headers['access-control-expose-headers']).toMatch(/x-refreshed-jwt-token/i);
      const payload = jwt.verify<{ sub: string; exp: number }>(renewed, { secret: TEST_SECRET });
      expect(payload.sub).toBe(sub);
      expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(13 * 24 * 3600);
      await t.http.get('/user/settings').set(auth(renewed)).expect(200);
    });

    it('answers 401 CRM_SESSION_REVOKED once the CRM connection is gone', async () => {
      const token = await t.login('local', 'demo');
      await t.http.post('/unAuthorize').set(auth(token)).expect(200);
      const response = await t.http.post('/user/refreshInfo').set(auth(token)).expect(401);
      expect(response.body).toMatchObject({ errorCode: 'CRM_SESSION_REVOKED', successful: false });
      expect(response.body.returnMessage.message).toMatch(/connect to the CRM again/);
    });
  });
});
