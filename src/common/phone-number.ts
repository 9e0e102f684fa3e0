import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneNumberForms } from '../connectors/crm-connector.interface.js';

/**
 * A '+' in a query string decodes to a space, so "+14155550100" arrives as
 * " 14155550100". Put it back before parsing.
 */
export function repairLostPlus(raw: string): string {
  const trimmedStart = raw.replace(/^\s+/, '');
  return raw !== trimmedStart && /^\d/.test(trimmedStart) ? `+${trimmedStart.trim()}` : raw.trim();
}

/** Applies an App Connect overriding format such as "(***) ***-****" to national digits. */
export function applyOverridingFormat(format: string, digits: string): string | null {
  const slots = (format.match(/\*/g) ?? []).length;
  if (slots === 0 || slots !== digits.length) return null;
  let index = 0;
  return format.replace(/\*/g, () => digits[index++]);
}

/** Every form of a number a CRM may have stored; null forms when it cannot be parsed. */
export function phoneNumberForms(
  input: string,
  defaultRegion: string,
  overridingFormats: string[] = [],
  isExtension = false,
): PhoneNumberForms {
  const raw = repairLostPlus(input);
  const parsed = isExtension
    ? undefined
    : parsePhoneNumberFromString(raw, { defaultCountry: defaultRegion as CountryCode, extract: false });
  const valid = parsed && parsed.isPossible() ? parsed : undefined;
  const nationalDigits = valid ? String(valid.nationalNumber) : null;
  return {
    raw,
    e164: valid ? valid.number : null,
    national: valid ? valid.formatNational() : null,
    international: valid ? valid.formatInternational() : null,
    nationalDigits,
    overriding: nationalDigits
      ? overridingFormats
          .map((format) => applyOverridingFormat(format, nationalDigits))
          .filter((value): value is string => value !== null)
      : [],
    isExtension,
  };
}

/** E.164 for storage and matching, or null when the text is not a phone number. */
export function toE164(input: string, defaultRegion: string): string | null {
  return phoneNumberForms(input, defaultRegion).e164;
}
