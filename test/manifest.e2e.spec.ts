import 'reflect-metadata';
import { ConnectorRegistry } from '../src/connectors/connector-registry.service.js';
import { canSignIn } from '../src/manifest/crm-manifest.builder.js';
import { Injectable, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Connector } from '../src/connectors/connector.decorator.js';
import type { ConnectorManifest, CrmCredentials, UserInfoResult } from '../src/connectors/crm-connector.interface.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { manifestProblems } from './support/manifest-rules.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** A connector with only the required methods and one optional one, to show the flags follow the instance. */
@Connector()
@Injectable()
class SparseConnector {
  readonly name = 'sparse';
  readonly manifest: ConnectorManifest = {
    displayName: 'Sparse CRM',
    authType: 'apiKey',
    logFormat: 'text/markdown',
    contactTypes: ['Person'],
    page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
    settings: [
      {
        id: 'sparseOptions',
        type: 'section',
        name: 'Sparse options',
        items: [{ id: 'boardId', type: 'inputField', name: 'Board id' }],
      },
    ],
    contactPageUrl: 'https://{hostname}/boards/{boardId}/people/{contactId}',
    logPageUrl: 'https://{hostname}/boards/{boardId}/items/{logId}',
  };
  getAuthHeader(credentials: CrmCredentials) {
    return credentials.apiKey ?? '';
  }
  async getUserInfo(): Promise<UserInfoResult> {
    return { successful: false };
  }
  async refreshUserInfo() {
    return { successful: true };
  }
  findContact(): never {
    throw new Error('not used');
  }
  createContact(): never {
    throw new Error('not used');
  }
  createCallLog(): never {
    throw new Error('not used');
  }
  updateCallLog(): never {
    throw new Error('not used');
  }
  getCallLog(): never {
    throw new Error('not used');
  }
  createMessageLog(): never {
    throw new Error('not used');
  }
  updateMessageLog(): never {
    throw new Error('not used');
  }
}

@Module({ providers: [SparseConnector] })
class SparseModule {}

describe('manifest routes (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('GET /crmManifest', () => {
    it('lists every platform in the App Connect manifest format when no platformName is given', async () => {
      const res = await t.http.get('/crmManifest').expect(200);
      expectResponseMatchesContract('GET', '/crmManifest', res);
      expect(manifestProblems(res.body)).toEqual([]);
      // Every connector a user can sign in to here, whichever connectors the repository has;
      // the OAuth-only ones (Clio, Bullhorn) wait for their app to be configured.
      const signInable = t.get(ConnectorRegistry).all().filter(canSignIn).map((c) => c.name).sort();
      expect(Object.keys(res.body.platforms).sort()).toEqual(signInable);
      expect(signInable).toEqual(expect.arrayContaining(['local', 'pipedrive']));
      expect(signInable).not.toContain('clio');
      expect(signInable).not.toContain('bullhorn');
      // Redtail waits for the deployment's REDTAIL_API_KEY.
      expect(signInable).not.toContain('redtail');
      expect(res.body).toMatchObject({
        serverUrl: 'http://localhost:6066',
        author: { name: expect.any(String) },
        version: PACKAGE_VERSION,
      });
    });

    it('describes the local CRM: API-key page, contact types, every form, settings', async () => {
      const res = await t.http.get('/crmManifest?platformName=local').expect(200);
      expect(manifestProblems(res.body, 'local')).toEqual([]);
      expect(Object.keys(res.body.platforms)).toEqual(['local']);
      const local = res.body.platforms.local;
      expect(local).toMatchObject({
        name: 'local',
        displayName: 'Local CRM',
        auth: {
          type: 'apiKey',
          apiKey: {
            page: {
              title: 'Local CRM',
              content: [
                { const: 'apiKey', type: 'string', required: true },
                { const: 'timezone', required: false },
              ],
            },
          },
        },
        contactTypes: [
          { display: 'Contact', value: 'Contact' },
          { display: 'Lead', value: 'Lead' },
        ],
        canOpenLogPage: false,
        settings: [],
        logFormat: 'text/plain',
        page: {
          callLog: { additionalFields: [{ const: 'followUp', type: 'checkbox' }] },
          messageLog: { additionalFields: [{ const: 'topic', type: 'inputField' }] },
          newContact: { additionalFields: [{ const: 'company' }, { const: 'email' }] },
        },
      });
      expect(local).not.toHaveProperty('contactPageUrl');
    });

    it('leaves NetSuite out while its OAuth app is not configured: nobody could sign in', async () => {
      const res = await t.http.get('/crmManifest').expect(200);
      expect(res.body.platforms.netsuite).toBeUndefined();
    });

    it('publishes Pipedrive with API-token sign-in while no OAuth app is configured', async () => {
      const res = await t.http.get('/crmManifest?platformName=pipedrive').expect(200);
      expect(manifestProblems(res.body, 'pipedrive')).toEqual([]);
      const pipedrive = res.body.platforms.pipedrive;
      expect(pipedrive.auth).toEqual({
        type: 'apiKey',
        additionalTypes: [],
        apiKey: { page: expect.objectContaining({ content: [expect.objectContaining({ const: 'apiKey' })] }) },
      });
      expect(pipedrive).toMatchObject({
        environment: { type: 'dynamic', urlIdentifier: '*.pipedrive.com' },
        embedUrls: ['https://*.pipedrive.com/*'],
        contactPageUrl: 'https://{hostname}/person/{contactId}',
        canOpenLogPage: false,
        logFormat: 'text/html',
        page: {
          callLog: { additionalFields: [{ const: 'deals', contactDependent: true }, { const: 'leads' }] },
          messageLog: { additionalFields: [{ const: 'deals' }, { const: 'leads' }] },
        },
      });
    });

    it('answers 400 naming platformName for an unknown platform', async () => {
      const res = await t.http.get('/crmManifest?platformName=nope').expect(400);
      expectResponseMatchesContract('GET', '/crmManifest', res);
      expect(res.body).toMatchObject({ successful: false, fields: ['platformName'] });
      expect(res.body.message).toMatch(/nope/);
    });
  });

  describe('GET /implementedInterfaces', () => {
    it.each(['local', 'pipedrive'])('answers the contract shape for %s', async (platform) => {
      const res = await t.http.get(`/implementedInterfaces?platform=${platform}`).expect(200);
      expectResponseMatchesContract('GET', '/implementedInterfaces', res);
      expect(Object.values(res.body).every((flag) => typeof flag === 'boolean')).toBe(true);
    });

    it("reflects each connector's methods", async () => {
      const local = (await t.http.get('/implementedInterfaces?platform=local').expect(200)).body;
      const pipedrive = (await t.http.get('/implementedInterfaces?platform=pipedrive').expect(200)).body;
      for (const flags of [local, pipedrive]) {
        expect(flags).toMatchObject({
          getAuthType: true,
          getUserInfo: true,
          findContact: true,
          createContact: true,
          createCallLog: true,
          updateCallLog: true,
          getCallLog: true,
          createMessageLog: true,
          updateMessageLog: true,
          getLogFormatType: true,
          listAppointments: false,
          upsertCallDisposition: true,
          findContactWithName: true,
          getUserList: false,
          cacheCallNote: true,
        });
      }
      expect(local).toMatchObject({ unAuthorize: true, authValidation: false, getBasicAuth: true });
      expect(local).not.toHaveProperty('getOauthInfo');
      expect(pipedrive).toMatchObject({ unAuthorize: false, authValidation: true, getOauthInfo: true, getBasicAuth: true });
    });

    it('answers 400 naming platform when it is missing or unknown', async () => {
      const missing = await t.http.get('/implementedInterfaces').expect(400);
      expectResponseMatchesContract('GET', '/implementedInterfaces', missing);
      expect(missing.body).toMatchObject({ fields: ['platform'], message: expect.stringMatching(/platform/) });
      const unknown = await t.http.get('/implementedInterfaces?platform=nope').expect(400);
      expect(unknown.body).toMatchObject({ fields: ['platform'], message: expect.stringMatching(/nope/) });
    });
  });

  describe('GET /releaseNotes and /serverVersionInfo', () => {
    it('answers release notes per version, in the contract shape', async () => {
      const res = await t.http.get('/releaseNotes').expect(200);
      expectResponseMatchesContract('GET', '/releaseNotes', res);
      expect(res.body[PACKAGE_VERSION]).toMatchObject({
        global: expect.arrayContaining([{ type: 'New', description: expect.any(String) }]),
        local: expect.any(Array),
        pipedrive: expect.any(Array),
      });
    });

    it('answers the package version', async () => {
      const res = await t.http.get('/serverVersionInfo').expect(200);
      expectResponseMatchesContract('GET', '/serverVersionInfo', res);
      expect(res.body).toEqual({ version: PACKAGE_VERSION });
    });
  });

  it('documents the manifest routes in /docs with the contract operationIds', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    const operations: Record<string, string> = {
      '/crmManifest': 'getCrmManifest',
      '/implementedInterfaces': 'getImplementedInterfaces',
      '/releaseNotes': 'getReleaseNotes',
      '/serverVersionInfo': 'getServerVersionInfo',
    };
    for (const [path, operationId] of Object.entries(operations)) {
      expect(res.body.paths[path]?.get?.operationId, path).toBe(operationId);
    }
    // Every schema these routes refer to is defined (the platforms map and release notes use bare $refs).
    const refs = new Set<string>();
    JSON.stringify([res.body.paths, res.body.components.schemas.CrmManifestDto], (key, value) => {
      if (key === '$ref') refs.add(String(value));
      return value;
    });
    for (const name of ['PlatformManifestDto', 'ReleaseNoteDto']) expect(refs).toContain(`#/components/schemas/${name}`);
    for (const ref of refs) {
      if (/PlatformManifestDto|ReleaseNoteDto|CrmManifestDto|ServerVersionInfoDto/.test(ref)) {
        expect(res.body.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
      }
    }
  });
});

describe('manifest of a configured deployment (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        PUBLIC_BASE_URL: 'https://connector.example.com/app-connect/',
        PIPEDRIVE_CLIENT_ID: 'pd-client-id',
        PIPEDRIVE_CLIENT_SECRET: 'pd-client-secret-never-published',
        PIPEDRIVE_OAUTH_BASE_URL: 'https://oauth.pipedrive.example',
        NETSUITE_CLIENT_ID: 'ns-client-id',
        NETSUITE_CLIENT_SECRET: 'ns-client-secret-never-published',
        NETSUITE_REDIRECT_URI: 'https://ringcentral.github.io/ringcentral-embeddable/redirect.html',
      },
      imports: [SparseModule],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes serverUrl from PUBLIC_BASE_URL, without the trailing slash', async () => {
    const res = await t.http.get('/crmManifest').expect(200);
    expect(manifestProblems(res.body)).toEqual([]);
    expect(res.body.serverUrl).toBe('https://connector.example.com/app-connect');
  });

  it('publishes Pipedrive OAuth with the public client id and never the secret', async () => {
    const res = await t.http.get('/crmManifest?platformName=pipedrive').expect(200);
    expect(manifestProblems(res.body, 'pipedrive')).toEqual([]);
    expect(res.body.platforms.pipedrive.auth).toMatchObject({
      type: 'oauth',
      additionalTypes: ['apiKey'],
      oauth: {
        authUrl: 'https://oauth.pipedrive.example/oauth/authorize',
        clientId: 'pd-client-id',
        redirectUri: 'https://ringcentral.github.io/ringcentral-embeddable/redirect.html',
      },
      apiKey: { page: expect.any(Object) },
    });
    expect(res.text).not.toContain('pd-client-secret-never-published');
  });

  it('publishes NetSuite once its client id is set: OAuth through system.netsuite.com, the account host from the page, never the secret', async () => {
    const res = await t.http.get('/crmManifest?platformName=netsuite').expect(200);
    expectResponseMatchesContract('GET', '/crmManifest', res);
    expect(manifestProblems(res.body, 'netsuite')).toEqual([]);
    expect(res.body.platforms.netsuite).toMatchObject({
      displayName: 'NetSuite',
      auth: {
        type: 'oauth',
        oauth: {
          authUrl: 'https://system.netsuite.com/app/login/oauth2/authorize.nl',
          clientId: 'ns-client-id',
          scope: 'scope=rest_webservices',
        },
      },
      environment: { type: 'dynamic', urlIdentifier: '*.app.netsuite.com' },
      contactPageUrl: 'https://{hostname}/app/common/entity/entity.nl?id={contactId}',
      logPageUrl: 'https://{hostname}/app/crm/calendar/call.nl?id={logId}',
      logFormat: 'text/plain',
    });
    expect(res.text).not.toContain('ns-client-secret-never-published');
    const all = await t.http.get('/crmManifest').expect(200);
    expect(Object.keys(all.body.platforms)).toContain('netsuite');
  });

  it("publishes a connector's settings and page templates", async () => {
    const res = await t.http.get('/crmManifest?platformName=sparse').expect(200);
    expect(manifestProblems(res.body, 'sparse')).toEqual([]);
    expect(res.body.platforms.sparse).toMatchObject({
      auth: { type: 'apiKey', apiKey: { page: { content: [{ const: 'apiKey' }] } } },
      settings: [{ id: 'sparseOptions', items: [{ id: 'boardId' }] }],
      contactPageUrl: 'https://{hostname}/boards/{boardId}/people/{contactId}',
      logPageUrl: 'https://{hostname}/boards/{boardId}/items/{logId}',
      canOpenLogPage: true,
      contactTypes: [{ display: 'Person', value: 'Person' }],
    });
  });

  it('derives the interface flags from the connector and the served routes', async () => {
    const res = await t.http.get('/implementedInterfaces?platform=sparse').expect(200);
    expectResponseMatchesContract('GET', '/implementedInterfaces', res);
    expect(res.body).toMatchObject({
      refreshUserInfo: true,
      unAuthorize: false,
      authValidation: false,
      getBasicAuth: true,
      cacheCallNote: true,
    });
  });

  it('leaves out release notes of a platform without notes', async () => {
    const res = await t.http.get('/releaseNotes').expect(200);
    expectResponseMatchesContract('GET', '/releaseNotes', res);
    expect(res.body[PACKAGE_VERSION]).not.toHaveProperty('sparse');
  });
});

describe('manifest rules (test support)', () => {
  it('finds what manifest.md requires when it is missing', () => {
    const problems = manifestProblems({
      serverUrl: 'https://x.example.com/',
      platforms: {
        a: { name: 'b', auth: { type: 'oauth', oauth: { clientId: 'c' } }, settings: {} },
        c: { auth: { type: 'apiKey' }, environment: { type: 'selectable' }, contactPageUrl: 'https://{host}/x' },
      },
    });
    expect(problems).toEqual([
      'author.name is required',
      'version is required',
      'serverUrl must omit the trailing slash',
      'platforms.a: name b does not match its key',
      'platforms.a: OAuth needs auth.oauth.authUrl and auth.oauth.clientId',
      'platforms.a: settings must be an array',
      'platforms.c: name is required',
      'platforms.c: API-key sign-in needs auth.apiKey',
      'platforms.c: a selectable environment needs selections[]',
      'platforms.c: contactPageUrl uses unknown token {host}',
    ]);
  });
});
