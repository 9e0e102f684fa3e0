/**
 * A user's settings as the extension exchanges them: each setting id maps to an object
 * holding at least its `value`. Admin settings of the same shape carry the merge flags.
 */
export interface UserSettingValue {
  value?: unknown;
  /** Admin settings only: the user may override the admin's value. */
  customizable?: boolean;
  /** Admin settings only: the setting is hidden from the user and not applied. */
  isRemoved?: boolean;
  /** Admin settings only: the user cannot change it. */
  readOnly?: boolean;
  [key: string]: unknown;
}

export type UserSettings = Record<string, UserSettingValue>;
