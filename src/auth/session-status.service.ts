import { Injectable } from '@nestjs/common';
import { type ReturnMessage, success } from '../common/return-message.js';
import type { CrmSession } from './crm-session.js';

export interface AuthValidationResult {
  successful: boolean;
  returnMessage?: ReturnMessage;
}

export interface LicenseStatus {
  isLicenseValid: boolean;
  licenseStatus: string;
  licenseStatusDescription: string;
}

/** Without a connector license check nothing is gated: every signed-in user is licensed. */
const UNGATED_LICENSE: LicenseStatus = { isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' };

/** What a signed-in session can ask about itself: is it still good, its license, its CRM host. */
@Injectable()
export class SessionStatusService {
  /**
   * The connector's own check when it has one. Otherwise the session guard's work is the
   * check: the JWT verified, the user still signed in, the stored credentials readable and,
   * for OAuth, refreshed when close to expiry; any of those failing never reaches here.
   */
  async authValidation(session: CrmSession): Promise<AuthValidationResult> {
    const { connector } = session;
    if (!connector.authValidation) {
      return { successful: true, returnMessage: success('Authentication is valid.', 1000) };
    }
    const result = await connector.authValidation(session.context);
    // `status` is the CRM's; the HTTP answer is 200 either way, as App Connect's is.
    return {
      successful: result.successful,
      ...(result.returnMessage ? { returnMessage: result.returnMessage } : {}),
    };
  }

  async licenseStatus(session: CrmSession): Promise<LicenseStatus> {
    return session.connector.getLicenseStatus ? session.connector.getLicenseStatus(session.context) : UNGATED_LICENSE;
  }

  /** The CRM host stored at sign-in; empty for users and CRMs without one. */
  hostname(session: CrmSession): string {
    return session.user.hostname ?? '';
  }
}
