import type { UserSettings, UserSettingValue } from '../common/user-settings.js';

/** Admin documents may hold bare values (`{ autoLogCalls: true }`); users always send `{ value }`. */
function asSetting(entry: unknown): UserSettingValue {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as UserSettingValue) : { value: entry };
}

/** The `userSettings` part of an account's admin settings document, each entry as `{ value, ... }`. */
export function adminUserSettings(adminDocument: Record<string, unknown> | null | undefined): UserSettings {
  const raw = adminDocument?.userSettings;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([key, entry]) => [key, asSetting(entry)]));
}

/** Whether the user's own value of a key counts, given the admin's entry for it. */
export function userMayOverride(adminEntry: UserSettingValue | undefined): boolean {
  if (adminEntry === undefined) return true;
  if (adminEntry.isRemoved || adminEntry.readOnly) return false;
  return adminEntry.customizable === true || adminEntry.isCustomizable === true;
}

/**
 * The settings that apply to a user: the admin's value wins unless the admin marked the
 * setting customizable (and not read-only); a setting the admin removed is hidden
 * whatever the user stored.
 */
export function mergeSettings(userSettings: UserSettings, adminSettings: UserSettings): UserSettings {
  const merged: UserSettings = {};
  for (const key of new Set([...Object.keys(adminSettings), ...Object.keys(userSettings)])) {
    const adminEntry = adminSettings[key];
    const userEntry = userSettings[key];
    if (adminEntry?.isRemoved) continue;
    if (userEntry !== undefined && userMayOverride(adminEntry)) {
      // The admin's options and default stay visible; the value is the user's.
      merged[key] = adminEntry ? { ...adminEntry, value: userEntry.value } : userEntry;
    } else if (adminEntry !== undefined) {
      merged[key] = adminEntry;
    }
  }
  return merged;
}

/**
 * Splits a user's update into what may be stored and the keys the admin has locked.
 * The extension sends back every setting it holds, admin-managed ones included, so a
 * locked key is set aside rather than refused.
 */
export function writableSettings(
  update: UserSettings,
  adminSettings: UserSettings,
): { writable: UserSettings; locked: string[] } {
  const writable: UserSettings = {};
  const locked: string[] = [];
  for (const [key, entry] of Object.entries(update)) {
    if (userMayOverride(adminSettings[key])) writable[key] = entry;
    else locked.push(key);
  }
  return { writable, locked };
}
