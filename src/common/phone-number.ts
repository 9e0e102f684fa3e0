import { type CountryCode, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneNumberForms } from './crm-types.js';

/**
 * A '+' in a query string decodes to a space, so "+14155550100" arrives as
 * " 14155550100". Put it back before parsing. Only a leading blank followed by a
 * digit is a lost '+': text that merely has surrounding blanks is just trimmed.
 */
export function repairLostPlus(raw: string): string {
  const trimmedStart = raw.replace(/^\s+/, '');
  return raw !== trimmedStart && /^\d/.test(trimmedStart) ? `+${trimmedStart.trim()}` : raw.trim();
}

/**
 * Cleans one overriding format. A leading blank before a country code (" 1 (***) ***-****")
 * is a '+' lost to URL decoding, as in the number itself; any other surrounding blank,
 * such as the one after the comma in "a, b", is only spacing.
 */
export function normaliseOverridingFormat(format: string): string {
  return /^\s+\d/.test(format) ? `+${format.trim()}` : format.trim();
}

/**
 * Applies an App Connect overriding format such as "(***) ***-****" to national digits,
 * one digit per '*'. A format whose '*' count differs from the number's digits does not
 * describe this number, so it yields null rather than a half-filled or truncated guess.
 */
export function applyOverridingFormat(format: string, digits: string): string | null {
  const pattern = normaliseOverridingFormat(format);
  const slots = (pattern.match(/\*/g) ?? []).length;
  if (slots === 0 || slots !== digits.length) return null;
  let index = 0;
  return pattern.replace(/\*/g, () => digits[index++]);
}

/** App Connect sends overriding formats as one comma-separated string. */
export function splitOverridingFormats(value: string | undefined | null): string[] {
  if (!value) return [];
  return [...new Set(value.split(',').map(normaliseOverridingFormat).filter((format) => format.length > 0))];
}

/**
 * Parses one phone number written any way a person or CRM writes it: E.164, national
 * punctuation, "tel:" URIs, the international "00" prefix used outside North America,
 * extensions ("x12", "ext. 12"). Undefined when it is not a possible phone number.
 *
 * isPossible (length check) rather than isValid (range check): fictional and freshly
 * allocated ranges, such as the 555-01xx demo numbers, must still match.
 */
export function parsePhoneNumber(input: string, defaultRegion: string): PhoneNumber | undefined {
  const text = repairLostPlus(input).replace(/^tel:/i, '');
  if (!/\d/.test(text)) return undefined;
  const options = { defaultCountry: defaultRegion as CountryCode, extract: false } as const;
  const parsed = parsePhoneNumberFromString(text, options);
  if (parsed?.isPossible()) return parsed;
  // "00" is the international prefix of most of the world but not of every default
  // region (the US dials 011), so read "0044 20..." as "+44 20..." when it fails.
  if (text.startsWith('00')) {
    const international = parsePhoneNumberFromString(`+${text.slice(2)}`, options);
    if (international?.isPossible()) return international;
  }
  return undefined;
}

/** Every form of a number a CRM may have stored; null forms when it cannot be parsed. */
export function phoneNumberForms(
  input: string,
  defaultRegion: string,
  overridingFormats: string[] = [],
  isExtension = false,
): PhoneNumberForms {
  // An extension ("101") is matched as typed: read as a phone number it would be
  // a (bogus) national number of the default region.
  const raw = isExtension ? input.trim() : repairLostPlus(input);
  const parsed = isExtension ? undefined : parsePhoneNumber(raw, defaultRegion);
  if (!parsed) {
    return { raw, e164: null, national: null, international: null, nationalDigits: null, overriding: [], isExtension };
  }
  // Re-read from E.164 so the display forms carry no extension: a CRM stores the line
  // number, and "(415) 555-0100 ext. 12" would match nothing.
  const line = parsePhoneNumberFromString(parsed.number) ?? parsed;
  const nationalDigits = String(line.nationalNumber);
  return {
    raw,
    e164: line.number,
    national: line.formatNational(),
    international: line.formatInternational(),
    nationalDigits,
    overriding: [
      ...new Set(
        overridingFormats
          .map((format) => applyOverridingFormat(format, nationalDigits))
          .filter((value): value is string => value !== null),
      ),
    ],
    isExtension,
  };
}

/** E.164 for storage and matching, or null when the text is not a phone number. */
export function toE164(input: string, defaultRegion: string): string | null {
  return parsePhoneNumber(input, defaultRegion)?.number ?? null;
}
