import type { ConnectorManifest, CrmConnector } from '../connectors/crm-connector.interface.js';
import { implementedInterfaces } from './implemented-interfaces.js';

const manifest = (overrides: Partial<ConnectorManifest> = {}): ConnectorManifest => ({
  displayName: 'Test',
  authType: 'apiKey',
  logFormat: 'text/plain',
  page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
  ...overrides,
});

/** The required methods, as class methods (on the prototype), the way real connectors have them. */
class MinimalConnector {
  readonly name = 'minimal';
  constructor(readonly manifest: ConnectorManifest) {}
  getAuthHeader() {
    return '';
  }
  async getUserInfo() {
    return { successful: false };
  }
  async findContact() {
    return { successful: true, matchedContactInfo: [] };
  }
  async createContact() {
    return {};
  }
  async createCallLog() {
    return {};
  }
  async updateCallLog() {
    return {};
  }
  async getCallLog() {
    return {};
  }
  async createMessageLog() {
    return {};
  }
  async updateMessageLog() {
    return {};
  }
}

class FullerConnector extends MinimalConnector {
  async unAuthorize() {}
  async authValidation() {
    return { successful: true };
  }
  async exchangeAuthorizationCode() {
    return { accessToken: 'x' };
  }
  async findContactWithName() {
    return {};
  }
}

const asConnector = (value: MinimalConnector) => value as unknown as CrmConnector;

describe('implementedInterfaces', () => {
  it('reports the required methods and nothing optional for a minimal connector', () => {
    const flags = implementedInterfaces(asConnector(new MinimalConnector(manifest())), { cacheCallNote: false });
    for (const name of ['getUserInfo', 'findContact', 'createContact', 'createCallLog', 'updateCallLog', 'getCallLog']) {
      expect(flags[name]).toBe(true);
    }
    for (const name of ['unAuthorize', 'authValidation', 'refreshUserInfo', 'getLicenseStatus', 'findContactWithName']) {
      expect(flags[name]).toBe(false);
    }
    expect(flags).toMatchObject({ getAuthType: true, getLogFormatType: true, getBasicAuth: true, cacheCallNote: false });
    expect(flags).not.toHaveProperty('getOauthInfo');
  });

  it('follows the methods the instance really has, inherited ones included', () => {
    const flags = implementedInterfaces(
      asConnector(new FullerConnector(manifest({ authType: 'oauth', additionalAuthTypes: ['apiKey'] }))),
      { cacheCallNote: true },
    );
    expect(flags).toMatchObject({
      unAuthorize: true,
      authValidation: true,
      findContactWithName: true,
      getOauthInfo: true,
      getBasicAuth: true,
      cacheCallNote: true,
      getUserList: false,
    });
  });

  it('reports an OAuth connector without a code exchange as lacking getOauthInfo', () => {
    const flags = implementedInterfaces(asConnector(new MinimalConnector(manifest({ authType: 'oauth' }))), {
      cacheCallNote: false,
    });
    expect(flags.getOauthInfo).toBe(false);
    expect(flags).not.toHaveProperty('getBasicAuth');
  });

  it('counts a method added to one instance at run time', () => {
    const connector = new MinimalConnector(manifest()) as MinimalConnector & { refreshUserInfo?: () => void };
    expect(implementedInterfaces(asConnector(connector), { cacheCallNote: false }).refreshUserInfo).toBe(false);
    connector.refreshUserInfo = () => undefined;
    expect(implementedInterfaces(asConnector(connector), { cacheCallNote: false }).refreshUserInfo).toBe(true);
  });
});
