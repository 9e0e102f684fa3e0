import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppErrorCode, AppException } from '../common/app.exception.js';
import { TtlCache } from '../common/ttl-cache.js';
import { AppConfig } from '../config/app-config.js';
import { CrmHttpClientFactory } from '../connectors/http/crm-http-client.factory.js';
import type { CrmHttpClient } from '../connectors/http/crm-http.client.js';
import { RingCentralIdHasher } from './ringcentral-id-hasher.service.js';

/** Who a RingCentral access token belongs to. Raw ids stay in memory; only hashes are stored. */
export interface RingCentralIdentity {
  hashedAccountId: string;
  hashedExtensionId: string;
  isAdmin: boolean;
}

/** The part of RingCentral's GET /restapi/v1.0/account/~/extension/~ answer we read. */
interface ExtensionInfo {
  id?: number | string;
  account?: { id?: number | string };
  permissions?: { admin?: { enabled?: boolean } };
}

/** The header the extension sends the RingCentral token in; named in errors. */
export const RC_ACCESS_TOKEN_HEADER = 'X-RC-Access-Token';

/**
 * Long enough that one settings screen costs RingCentral one request, short enough that
 * a revoked token or admin right stops working within a minute.
 */
const IDENTITY_CACHE_TTL_MS = 60_000;

/**
 * Asks RingCentral who an access token belongs to. Answers are cached per token hash,
 * so the token itself is never a map key, and the token is never logged (the shared
 * HTTP client logs method and path only).
 */
@Injectable()
export class RingCentralIdentityClient {
  private readonly http: CrmHttpClient;
  private readonly identities = new TtlCache<RingCentralIdentity>(IDENTITY_CACHE_TTL_MS);

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
    private readonly hasher: RingCentralIdHasher,
  ) {
    this.http = httpFactory.create({ platform: 'ringcentral', displayName: 'RingCentral' });
  }

  identify(accessToken: string | undefined): Promise<RingCentralIdentity> {
    if (!accessToken) {
      return Promise.reject(
        AppException.invalidRequest(
          `A RingCentral access token is required: send it in the ${RC_ACCESS_TOKEN_HEADER} header.`,
          [RC_ACCESS_TOKEN_HEADER],
        ),
      );
    }
    const cacheKey = createHash('sha256').update(accessToken).digest('hex');
    return this.identities.get(cacheKey, () => this.fetchIdentity(accessToken));
  }

  private async fetchIdentity(accessToken: string): Promise<RingCentralIdentity> {
    let info: ExtensionInfo;
    try {
      const response = await this.http.request<ExtensionInfo>({
        method: 'GET',
        url: new URL('/restapi/v1.0/account/~/extension/~', this.config.RINGCENTRAL_SERVER_URL).toString(),
        auth: { authHeader: `Bearer ${accessToken}`, toHeaders: (value) => ({ Authorization: value }) },
      });
      info = response.data;
    } catch (error) {
      throw this.toAppException(error);
    }
    const accountId = info.account?.id;
    const extensionId = info.id;
    if (accountId === undefined || extensionId === undefined) {
      throw AppException.upstreamUnavailable('RingCentral answered without an account or extension id.');
    }
    return {
      hashedAccountId: this.hasher.hash(accountId),
      hashedExtensionId: this.hasher.hash(extensionId),
      isAdmin: info.permissions?.admin?.enabled === true,
    };
  }

  /** A refused token is the caller's problem (400); anything else is RingCentral's (502). */
  private toAppException(error: unknown): AppException {
    if (!(error instanceof AppException)) throw error;
    const status = error.details.status;
    if (error.code === AppErrorCode.CrmAuthorizationFailed || status === 401 || status === 403) {
      return AppException.invalidRequest(
        `RingCentral did not accept the access token in ${RC_ACCESS_TOKEN_HEADER}: ${error.message}`,
        [RC_ACCESS_TOKEN_HEADER],
      );
    }
    return AppException.upstreamUnavailable(`RingCentral could not confirm who you are: ${error.message}`);
  }
}
