import type { Capability } from './kit.js';

/**
 * For connectors that search the CRM with the number's usual written forms (E.164,
 * national "(415) 555-0100", digits, international "+1 415 555 0100"): a number stored
 * with dashes matches none of those, and is found only through the user's overriding
 * phone format (the extension's setting), which the core passes on.
 */
export const DASHED_FORMS_NEED_OVERRIDING_FORMAT: Partial<Record<Capability, string>> = {
  'phone:dashed': 'the CRM search gets the E.164, national, digits and spaced international forms; a dashed number needs the user\'s overriding phone format',
  'phone:international': 'the CRM search gets the spaced international form, not "+1 415-555-0100"; that needs the user\'s overriding phone format',
};
