import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppException } from '../common/app.exception.js';
import { AppConfig } from '../config/app-config.js';
import { ConnectorRegistry } from '../connectors/connector-registry.service.js';
import { buildCrmManifest, canSignIn } from './crm-manifest.builder.js';
import { implementedInterfaces, type ImplementedInterfaces } from './implemented-interfaces.js';
import type { CrmManifestDto } from './manifest.dto.js';
import { publishedReleaseNotes, type ReleaseNotes } from './release-notes.js';
import { SERVER_VERSION } from './server-version.js';

/** Where the extension's note cache would be served; the flag reports whether it is. */
const CACHE_NOTE_ROUTE = { method: 'POST', url: '/callLog/cacheNote' };

interface RouteLookup {
  hasRoute?(route: { method: string; url: string }): boolean;
}

/** What the extension reads about this server and its connectors before a user signs in. */
@Injectable()
export class ManifestService {
  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {}

  /**
   * Every platform a user can sign in to here, or the one named: a 400 naming
   * platformName when it is unknown or its OAuth app is not configured.
   */
  crmManifest(platformName?: string): CrmManifestDto {
    const selected = platformName ? [this.connector(platformName, 'platformName')] : this.connectors.all().filter(canSignIn);
    if (platformName && !canSignIn(selected[0]!)) {
      const { displayName, signInUnavailable } = selected[0]!.manifest;
      throw AppException.invalidRequest(
        `platformName: ${signInUnavailable ?? `${displayName} signs in with OAuth, and its OAuth app is not configured on this server.`}`,
        ['platformName'],
      );
    }
    return buildCrmManifest(selected, { serverUrl: this.config.publicBaseUrl, version: SERVER_VERSION });
  }

  implementedInterfaces(platform: string | undefined): ImplementedInterfaces {
    if (!platform) throw AppException.invalidRequest('platform is required', ['platform']);
    return implementedInterfaces(this.connector(platform, 'platform'), { cacheCallNote: this.servesNoteCache() });
  }

  releaseNotes(): ReleaseNotes {
    return publishedReleaseNotes(this.connectors.names());
  }

  serverVersion(): { version: string } {
    return { version: SERVER_VERSION };
  }

  private connector(platform: string, field: string) {
    try {
      return this.connectors.get(platform);
    } catch (error) {
      // The registry names `platform`; here the client sent it under another name.
      if (error instanceof AppException && field !== 'platform') {
        throw new AppException(error.code, `${field}: ${error.message}`, { ...error.details, fields: [field] });
      }
      throw error;
    }
  }

  private servesNoteCache(): boolean {
    const server = this.http.httpAdapter?.getInstance<RouteLookup>();
    return server?.hasRoute?.(CACHE_NOTE_ROUTE) ?? false;
  }
}
