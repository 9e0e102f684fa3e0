import type { ConnectorManifest, CrmConnector } from '../connectors/crm-connector.interface.js';
import { buildCrmManifest, platformManifest } from './crm-manifest.builder.js';

const connector = (name: string, overrides: Partial<ConnectorManifest> = {}): CrmConnector =>
  ({
    name,
    manifest: {
      displayName: name.toUpperCase(),
      authType: 'apiKey',
      logFormat: 'text/html',
      page: {
        callLog: { additionalFields: [{ const: 'deal', title: 'Deal', type: 'selection', contactDependent: true }] },
        messageLog: { additionalFields: [] },
      },
      ...overrides,
    },
  }) as unknown as CrmConnector;

const oauth = { authUrl: 'https://crm.example.com/oauth/authorize', clientId: 'client-1' };

describe('buildCrmManifest', () => {
  it('wraps the platforms with serverUrl, author and version', () => {
    const manifest = buildCrmManifest([connector('a'), connector('b')], {
      serverUrl: 'https://connector.example.com',
      version: '1.2.3',
    });
    expect(manifest).toMatchObject({
      serverUrl: 'https://connector.example.com',
      author: { name: expect.any(String), websiteUrl: 'https://connector.example.com/docs' },
      version: '1.2.3',
    });
    expect(Object.keys(manifest.platforms)).toEqual(['a', 'b']);
    expect(manifest.platforms.a.name).toBe('a');
  });

  it('publishes an API-key platform with its sign-in page, or a default one', () => {
    const page = { title: 'A', content: [{ const: 'apiKey', title: 'Key', type: 'string' as const, required: true }] };
    expect(platformManifest(connector('a', { apiKeyPage: page })).auth).toEqual({
      type: 'apiKey',
      additionalTypes: [],
      apiKey: { page },
    });
    expect(platformManifest(connector('b')).auth.apiKey?.page.content).toEqual([
      { const: 'apiKey', title: 'API key', type: 'string', required: true },
    ]);
  });

  it('publishes OAuth with the client-visible fields, and API keys as the other way', () => {
    const auth = platformManifest(connector('c', { authType: 'oauth', additionalAuthTypes: ['apiKey'], oauth })).auth;
    expect(auth).toMatchObject({ type: 'oauth', additionalTypes: ['apiKey'], oauth });
    expect(auth.apiKey).toBeDefined();
  });

  it('falls back to API-key sign-in while the OAuth app is not configured', () => {
    const auth = platformManifest(connector('d', { authType: 'oauth', additionalAuthTypes: ['apiKey'] })).auth;
    expect(auth.type).toBe('apiKey');
    expect(auth.additionalTypes).toEqual([]);
    expect(auth).not.toHaveProperty('oauth');
  });

  it('maps contact types, page templates and settings from the metadata', () => {
    const settings = [
      {
        id: 'opts',
        type: 'section' as const,
        name: 'Options',
        items: [{ id: 'boardId', type: 'inputField' as const, name: 'Board' }],
      },
    ];
    const withPages = platformManifest(
      connector('e', {
        contactTypes: ['Person', 'Company'],
        contactPageUrl: 'https://{hostname}/p/{contactId}',
        logPageUrl: 'https://{hostname}/boards/{boardId}/a/{logId}',
        settings,
      }),
    );
    expect(withPages).toMatchObject({
      contactTypes: [
        { display: 'Person', value: 'Person' },
        { display: 'Company', value: 'Company' },
      ],
      contactPageUrl: 'https://{hostname}/p/{contactId}',
      logPageUrl: 'https://{hostname}/boards/{boardId}/a/{logId}',
      canOpenLogPage: true,
      settings,
      page: { newContact: { additionalFields: [] } },
    });
    const bare = platformManifest(connector('f'));
    expect(bare).toMatchObject({ canOpenLogPage: false, contactTypes: [], settings: [] });
    expect(bare).not.toHaveProperty('contactPageUrl');
    expect(bare).not.toHaveProperty('environment');
  });
});
