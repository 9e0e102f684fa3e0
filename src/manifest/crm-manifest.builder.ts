import type { AuthType, CrmConnector } from '../connectors/crm-connector.interface.js';
import type { ManifestApiKeyPage } from '../connectors/connector-manifest.types.js';
import type { CrmManifestDto, PlatformAuthDto, PlatformManifestDto } from './manifest.dto.js';

export interface ManifestServerInfo {
  /** Where clients reach this server, without a trailing slash. */
  serverUrl: string;
  version: string;
}

export const MANIFEST_AUTHOR_NAME = 'App Connect CRM server';

/**
 * App Connect's manifest format for the given connectors, so the extension can load
 * `{serverUrl}/crmManifest` as a custom manifest. Pure: everything comes from connector
 * metadata and the server's own address and version.
 */
export function buildCrmManifest(connectors: CrmConnector[], server: ManifestServerInfo): CrmManifestDto {
  return {
    serverUrl: server.serverUrl,
    author: { name: MANIFEST_AUTHOR_NAME, websiteUrl: `${server.serverUrl}/docs` },
    version: server.version,
    platforms: Object.fromEntries(connectors.map((connector) => [connector.name, platformManifest(connector)])),
  };
}

export function platformManifest(connector: CrmConnector): PlatformManifestDto {
  const { manifest } = connector;
  return {
    name: connector.name,
    displayName: manifest.displayName,
    auth: platformAuth(connector),
    ...(manifest.environment ? { environment: manifest.environment } : {}),
    ...(manifest.embedUrls ? { embedUrls: manifest.embedUrls } : {}),
    ...(manifest.documentationUrl ? { documentationUrl: manifest.documentationUrl } : {}),
    ...(manifest.contactPageUrl ? { contactPageUrl: manifest.contactPageUrl } : {}),
    ...(manifest.logPageUrl ? { logPageUrl: manifest.logPageUrl } : {}),
    // Without a log page the client opens the contact's page for a logged activity.
    canOpenLogPage: manifest.logPageUrl !== undefined,
    logFormat: manifest.logFormat,
    contactTypes: (manifest.contactTypes ?? []).map((type) => ({ display: type, value: type })),
    settings: manifest.settings ?? [],
    page: {
      callLog: manifest.page.callLog,
      messageLog: manifest.page.messageLog,
      newContact: manifest.page.newContact ?? { additionalFields: [] },
      // Offered exactly when the connector can search by name.
      useContactSearch: typeof connector.findContactWithName === 'function',
    },
  };
}

/**
 * The sign-in ways the client can actually use. OAuth needs a configured client id, so a
 * connector whose OAuth app is not set up is published with its API-key sign-in instead.
 */
function platformAuth(connector: CrmConnector): PlatformAuthDto {
  const { manifest } = connector;
  const usable = usableSignIns(connector);
  const type = usable[0] ?? manifest.authType;
  return {
    type,
    additionalTypes: usable.filter((other) => other !== type),
    ...(manifest.oauth && usable.includes('oauth') ? { oauth: manifest.oauth } : {}),
    ...(usable.includes('apiKey') ? { apiKey: { page: manifest.apiKeyPage ?? defaultApiKeyPage(manifest.displayName) } } : {}),
  };
}

/** The sign-in ways of a connector a client can use here: OAuth only once its app is configured. */
function usableSignIns({ manifest }: CrmConnector): AuthType[] {
  if (manifest.signInUnavailable) return [];
  const declared: AuthType[] = [manifest.authType, ...(manifest.additionalAuthTypes ?? [])];
  return declared.filter((type) => type !== 'oauth' || manifest.oauth !== undefined);
}

/** Whether a user could sign in to the connector on this server (an OAuth-only CRM needs its app). */
export function canSignIn(connector: CrmConnector): boolean {
  return usableSignIns(connector).length > 0;
}

function defaultApiKeyPage(displayName: string): ManifestApiKeyPage {
  return {
    title: displayName,
    content: [{ const: 'apiKey', title: 'API key', type: 'string', required: true }],
  };
}
