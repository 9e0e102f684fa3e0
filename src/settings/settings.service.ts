import { Injectable, Logger } from '@nestjs/common';
import type { ReturnMessage } from '../common/return-message.js';
import { TtlCache } from '../common/ttl-cache.js';
import type { UserSettings } from '../common/user-settings.js';
import type { ConnectorCallContext, CrmConnector } from '../connectors/crm-connector.interface.js';
import type { UserEntity } from '../persistence/entities/user.entity.js';
import { AdminSettingsRepository } from '../persistence/repositories/admin-settings.repository.js';
import { UserSettingsRepository } from '../persistence/repositories/user-settings.repository.js';
import { UsersRepository } from '../persistence/repositories/users.repository.js';
import { adminUserSettings, mergeSettings, writableSettings } from './settings-merge.js';

/**
 * How long settings read for a session are reused. Saves on this instance take effect at
 * once; a save on another instance sharing the database within this time.
 */
const SETTINGS_CACHE_TTL_MS = 5_000;

const HASHED_ID = /^[0-9a-f]{64}$/;

export type SettingsUpdateOutcome =
  | { userSettings: UserSettings }
  | { successful: false; returnMessage?: ReturnMessage };

/** Per-user settings, per-account admin settings, and how they merge into what applies. */
@Injectable()
export class SettingsService {
  private readonly logger = new Logger(SettingsService.name);
  private readonly ownSettings = new TtlCache<UserSettings>(SETTINGS_CACHE_TTL_MS);
  private readonly adminDocuments = new TtlCache<Record<string, unknown> | null>(SETTINGS_CACHE_TTL_MS);

  constructor(
    private readonly users: UsersRepository,
    private readonly userSettings: UserSettingsRepository,
    private readonly adminSettings: AdminSettingsRepository,
  ) {}

  /** The user's settings with their account admin's merged on top. */
  async effectiveFor(user: Pick<UserEntity, 'id' | 'rcAccountId'>): Promise<UserSettings> {
    const [own, admin] = await Promise.all([
      this.ownSettings.get(user.id, () => this.userSettings.findForUser(user.id)),
      this.accountUserSettings(user.rcAccountId),
    ]);
    return mergeSettings(own, admin);
  }

  /** The `userSettings` an account's admins set, each as `{ value, ... }`; empty for none. */
  async accountUserSettings(accountId: string | null | undefined): Promise<UserSettings> {
    return accountId ? adminUserSettings(await this.adminDocument(accountId)) : {};
  }

  adminDocument(accountId: string): Promise<Record<string, unknown> | null> {
    return this.adminDocuments.get(accountId, () => this.adminSettings.find(accountId));
  }

  async saveAdminDocument(accountId: string, document: Record<string, unknown>): Promise<void> {
    await this.adminSettings.replace(accountId, document);
    this.adminDocuments.delete(accountId);
    this.logger.log(`Admin settings saved for account ${accountId.slice(0, 12)}…`);
  }

  /**
   * Records which RingCentral account the user belongs to. An account RingCentral confirmed
   * (from a token) always wins; a hashed id the client merely states is taken only while
   * none is known, so a client cannot move a confirmed user to another account's settings.
   */
  async rememberAccount(
    user: UserEntity,
    hashedAccountId: string | undefined,
    confirmed: boolean,
  ): Promise<UserEntity> {
    if (!hashedAccountId || !HASHED_ID.test(hashedAccountId) || user.rcAccountId === hashedAccountId) return user;
    if (!confirmed && user.rcAccountId) return user;
    await this.users.setRcAccountId(user.id, hashedAccountId);
    return { ...user, rcAccountId: hashedAccountId };
  }

  /**
   * Stores the user's changes: settings the admin locked are set aside, the connector may
   * refuse the change, and the answer is the settings that now apply.
   */
  async update(
    session: { user: UserEntity; connector: CrmConnector; context: ConnectorCallContext },
    change: { userSettings?: UserSettings; settingKeysToRemove?: string[] },
  ): Promise<SettingsUpdateOutcome> {
    const { connector } = session;
    // The session's user may be a cached copy from before its account became known.
    const user = (await this.users.findById(session.user.id)) ?? session.user;
    const admin = await this.accountUserSettings(user.rcAccountId);
    const { writable, locked } = writableSettings(change.userSettings ?? {}, admin);
    const removals = change.settingKeysToRemove ?? [];
    if (locked.length) this.logger.debug(`Kept admin-managed settings ${locked.join(', ')} for ${user.id}`);
    if (connector.onUpdateUserSettings) {
      const current = await this.userSettings.findForUser(user.id);
      const updatedSettings = { ...current, ...writable };
      for (const key of removals) delete updatedSettings[key];
      // No lock or transaction is held while the connector decides.
      const verdict = await connector.onUpdateUserSettings({ ...session.context, userSettings: writable, updatedSettings });
      if (!verdict.successful) return { successful: false, returnMessage: verdict.returnMessage };
    }
    await this.userSettings.apply(user.id, writable, removals);
    this.ownSettings.delete(user.id);
    return { userSettings: await this.effectiveFor(user) };
  }
}
