import { adminUserSettings, mergeSettings, writableSettings } from './settings-merge.js';

describe('mergeSettings', () => {
  const user = {
    logDateFormat: { value: 'DD/MM/YYYY' },
    addCallLogNote: { value: false },
    theme: { value: 'dark' },
  };

  it('is the user settings when the account has no admin settings', () => {
    expect(mergeSettings(user, {})).toEqual(user);
  });

  it('lets the admin value win unless the setting is customizable', () => {
    const merged = mergeSettings(user, {
      logDateFormat: { value: 'YYYY-MM-DD' },
      addCallLogNote: { value: true, customizable: true, options: [true, false] },
    });
    expect(merged.logDateFormat).toEqual({ value: 'YYYY-MM-DD' });
    expect(merged.addCallLogNote).toEqual({ value: false, customizable: true, options: [true, false] });
    expect(merged.theme).toEqual({ value: 'dark' });
  });

  it('takes the legacy isCustomizable flag as customizable', () => {
    expect(mergeSettings(user, { theme: { value: 'light', isCustomizable: true } }).theme?.value).toBe('dark');
  });

  it('uses the admin value of a customizable setting the user never set', () => {
    expect(mergeSettings({}, { addCallLogDuration: { value: false, customizable: true } }).addCallLogDuration).toEqual({
      value: false,
      customizable: true,
    });
  });

  it('hides a removed setting whatever the user stored', () => {
    const merged = mergeSettings(user, { theme: { value: 'light', isRemoved: true, customizable: true } });
    expect(merged).not.toHaveProperty('theme');
  });

  it('keeps the admin value of a read-only setting even when marked customizable', () => {
    const merged = mergeSettings(user, { logDateFormat: { value: 'YYYY', customizable: true, readOnly: true } });
    expect(merged.logDateFormat?.value).toBe('YYYY');
  });
});

describe('writableSettings', () => {
  it('sets aside keys the admin locked and keeps the rest', () => {
    const admin = {
      locked: { value: 1 },
      readOnly: { value: 2, customizable: true, readOnly: true },
      removed: { value: 3, isRemoved: true },
      open: { value: 4, customizable: true },
    };
    const update = { locked: { value: 9 }, readOnly: { value: 9 }, removed: { value: 9 }, open: { value: 9 }, own: { value: 9 } };
    expect(writableSettings(update, admin)).toEqual({
      writable: { open: { value: 9 }, own: { value: 9 } },
      locked: ['locked', 'readOnly', 'removed'],
    });
  });
});

describe('adminUserSettings', () => {
  it('reads bare values as { value } and ignores a malformed document', () => {
    expect(adminUserSettings({ userSettings: { autoLogCalls: true, note: { value: 'x', customizable: true } } })).toEqual({
      autoLogCalls: { value: true },
      note: { value: 'x', customizable: true },
    });
    expect(adminUserSettings({ userSettings: [1, 2] })).toEqual({});
    expect(adminUserSettings(null)).toEqual({});
  });
});
