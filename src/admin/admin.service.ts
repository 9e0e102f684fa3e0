import { Injectable } from '@nestjs/common';
import { AppException } from '../common/app.exception.js';
import type { CrmSession } from '../auth/crm-session.js';
import { type RingCentralIdentity, RingCentralIdentityClient } from '../ringcentral/ringcentral-identity.client.js';
import { SettingsService } from '../settings/settings.service.js';

/** A RingCentral account's settings, read and written by its admins only. */
@Injectable()
export class AdminService {
  constructor(
    private readonly identity: RingCentralIdentityClient,
    private readonly settings: SettingsService,
  ) {}

  async settingsFor(session: CrmSession, rcAccessToken: string | undefined): Promise<Record<string, unknown>> {
    const admin = await this.requireAdmin(rcAccessToken);
    // The token confirmed the account this CRM user works in: its settings now apply to them.
    await this.settings.rememberAccount(session.user, admin.hashedAccountId, true);
    return (await this.settings.adminDocument(admin.hashedAccountId)) ?? { userSettings: {} };
  }

  async saveSettings(rcAccessToken: string | undefined, adminSettings: Record<string, unknown>): Promise<void> {
    const userSettings = adminSettings.userSettings;
    if (userSettings !== undefined && (typeof userSettings !== 'object' || userSettings === null || Array.isArray(userSettings))) {
      throw AppException.invalidRequest('adminSettings.userSettings must be an object keyed by setting id', [
        'adminSettings.userSettings',
      ]);
    }
    const admin = await this.requireAdmin(rcAccessToken);
    await this.settings.saveAdminDocument(admin.hashedAccountId, adminSettings);
  }

  private async requireAdmin(rcAccessToken: string | undefined): Promise<RingCentralIdentity> {
    const identity = await this.identity.identify(rcAccessToken);
    if (!identity.isAdmin) {
      throw AppException.forbidden('Only a RingCentral account admin can manage these settings.');
    }
    return identity;
  }
}
