import { AppException } from '../../common/app.exception.js';
import { inUserTimezone } from '../../common/timezone.js';
import type { ContactInfo, PhoneNumberForms } from '../crm-connector.interface.js';
import type { NetSuiteEntityInput, NetSuiteEntityRow, NetSuiteTransactionRow } from './netsuite.types.js';

/** Manifest field consts: the keys of contact.additionalInfo and of additionalSubmission (App Connect's names). */
export const SALES_ORDER_FIELD = 'salesorder';
export const OPPORTUNITY_FIELD = 'opportunity';

/** Our contact types and the NetSuite record each one is. */
export const CONTACT_TYPES = ['Contact', 'Customer'] as const;
export type NetSuiteContactType = (typeof CONTACT_TYPES)[number];
export const RECORD_OF_TYPE = { Contact: 'contact', Customer: 'customer' } as const;

/** The phone fields searched on each record (SuiteQL column names). */
export const PHONE_COLUMNS: Record<NetSuiteContactType, readonly (keyof NetSuiteEntityRow)[]> = {
  Contact: ['phone', 'officephone', 'mobilephone', 'homephone'],
  Customer: ['phone', 'altphone', 'mobilephone', 'homephone'],
};
const NAME_COLUMNS: Record<NetSuiteContactType, string[]> = {
  Contact: ['firstname', 'middlename', 'lastname', 'entitytitle', 'email', 'company', 'datecreated', 'lastmodifieddate'],
  Customer: ['firstname', 'middlename', 'lastname', 'entitytitle', 'companyname', 'email', 'datecreated', 'lastmodifieddate'],
};

/** Matched people whose sales orders and opportunities are read (one query for all of them). */
export const MAX_MATCHED_CONTACTS = 25;
/** Sales orders and opportunities offered per contact, newest first. */
export const MAX_TRANSACTIONS = 100;

/** Our idempotency keys are UUID-like; anything else is refused before it reaches a query. */
const SAFE_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * The digits every stored form of the number ends with: its national significant number
 * (4155550100), whatever the notation around it. Null when there is nothing to search for.
 */
export function phoneSearchDigits(forms: PhoneNumberForms): string | null {
  const candidate = digits(forms.nationalDigits ?? forms.e164 ?? forms.raw);
  return candidate.length >= 4 ? candidate : null;
}

/**
 * The SuiteQL that finds a record type's entries with a phone field ending in the digits.
 * NetSuite keeps phone numbers as typed, so the stored value is reduced to its digits first;
 * the suffix match is checked exactly afterwards (phoneMatches). Only digits reach the query.
 */
export function phoneLookupQuery(type: NetSuiteContactType, searchDigits: string): string {
  if (!/^\d+$/.test(searchDigits)) throw new Error('phone lookups take digits only');
  const columns = PHONE_COLUMNS[type];
  const condition = columns.map((column) => `REGEXP_REPLACE(${column}, '[^0-9]', '') LIKE '%${searchDigits}'`).join(' OR ');
  return `SELECT id, ${[...columns, ...NAME_COLUMNS[type]].join(', ')} FROM ${RECORD_OF_TYPE[type]} WHERE isinactive = 'F' AND (${condition})`;
}

/**
 * The row's stored number that is this number: the whole number in international form
 * (with or without 00 / 011), or its national form (with or without a trunk 0). The SQL
 * suffix match alone would also accept longer numbers that merely end the same way.
 */
export function matchingNumber(row: NetSuiteEntityRow, type: NetSuiteContactType, forms: PhoneNumberForms): string | undefined {
  const e164 = digits(forms.e164);
  const national = digits(forms.nationalDigits);
  const wanted = new Set(
    [
      e164,
      e164 && `00${e164}`,
      e164 && `011${e164}`,
      national,
      national && `0${national}`,
      ...forms.overriding.map((form) => digits(form)),
      forms.e164 ? '' : digits(forms.raw),
    ].filter((form): form is string => !!form && form.length > 0),
  );
  for (const column of PHONE_COLUMNS[type]) {
    const stored = row[column];
    if (typeof stored === 'string' && wanted.has(digits(stored))) return stored;
  }
  return undefined;
}

export function phoneMatches(row: NetSuiteEntityRow, type: NetSuiteContactType, forms: PhoneNumberForms): boolean {
  return matchingNumber(row, type, forms) !== undefined;
}

/** The NetSuite entity a person's sales orders and opportunities hang on: a customer itself, a contact's company. */
export function transactionEntityOf(row: NetSuiteEntityRow, type: NetSuiteContactType): string | undefined {
  const entity = type === 'Customer' ? row.id : row.company;
  return entity && /^\d+$/.test(String(entity)) ? String(entity) : undefined;
}

/** Sales orders and opportunities of these entities, newest first (ids are checked numeric). */
export function transactionsQuery(entityIds: string[]): string {
  const ids = [...new Set(entityIds)].filter((id) => /^\d+$/.test(id));
  if (ids.length === 0) throw new Error('no entity ids');
  return (
    `SELECT id, entity, type, trandisplayname, tranid FROM transaction ` +
    `WHERE type IN ('SalesOrd', 'Opprtnty') AND entity IN (${ids.join(', ')}) ORDER BY createddate DESC`
  );
}

/** The query that finds the phone call carrying an idempotency key as its external id. */
export function phoneCallByExternalIdQuery(key: string): string {
  if (!SAFE_KEY.test(key)) throw AppException.invalidRequest('The idempotency key has characters NetSuite lookups do not accept.', ['idempotencyKey']);
  return `SELECT id FROM phonecall WHERE externalid = '${key}'`;
}

/** The external id stored on a created phone call, or undefined for a key we cannot look up later. */
export function externalIdFor(key: string | undefined): string | undefined {
  return key && SAFE_KEY.test(key) ? key : undefined;
}

/** A matched row as App Connect shows it, with its sales orders and opportunities as logging choices. */
export function toContactInfo(
  row: NetSuiteEntityRow,
  type: NetSuiteContactType,
  forms: PhoneNumberForms,
  transactions: NetSuiteTransactionRow[],
  phoneNumber: string,
): ContactInfo {
  const phone = matchingNumber(row, type, forms) ?? phoneNumber;
  const entity = transactionEntityOf(row, type);
  const own = entity ? transactions.filter((transaction) => String(transaction.entity) === entity) : [];
  const salesOrders = choices(own.filter((transaction) => transaction.type === 'SalesOrd'));
  const opportunities = choices(own.filter((transaction) => transaction.type === 'Opprtnty'));
  return {
    id: String(row.id),
    name: entityName(row),
    type,
    phone,
    phoneNumber: phone,
    ...(row.email ? { email: row.email } : {}),
    ...(row.datecreated ? { createdDate: row.datecreated } : {}),
    ...(row.lastmodifieddate ? { mostRecentActivityDate: row.lastmodifieddate } : {}),
    additionalInfo: {
      ...(salesOrders.length > 0 ? { [SALES_ORDER_FIELD]: salesOrders } : {}),
      ...(opportunities.length > 0 ? { [OPPORTUNITY_FIELD]: opportunities } : {}),
    },
  };
}

function choices(transactions: NetSuiteTransactionRow[]): { const: string; title: string }[] {
  return [...new Map(transactions.map((transaction) => [String(transaction.id), transaction])).values()]
    .slice(0, MAX_TRANSACTIONS)
    .map((transaction) => ({
      const: String(transaction.id),
      title: transaction.trandisplayname ?? transaction.tranid ?? `#${transaction.id}`,
    }));
}

/** A person's name from its parts; the record's title (or company name) when it has none. */
export function entityName(row: NetSuiteEntityRow): string {
  const parts = [row.firstname, row.middlename, row.lastname].map((part) => (part ?? '').trim()).filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : (row.entitytitle ?? row.companyname ?? '').trim();
}

/** The sales order or opportunity chosen in the form (the sales order wins when both are), if it is an id. */
export function chosenTransaction(additionalSubmission: Record<string, unknown> | undefined): { id: string } | undefined {
  for (const field of [SALES_ORDER_FIELD, OPPORTUNITY_FIELD]) {
    const value = additionalSubmission?.[field];
    if ((typeof value === 'string' || typeof value === 'number') && /^\d+$/.test(String(value))) return { id: String(value) };
  }
  return undefined;
}

/** First, middle and last name from one line; a single word is the last name. */
export function splitName(name: string): { firstName?: string; middleName?: string; lastName: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const lastName = words.pop() ?? '';
  const firstName = words.shift();
  const middleName = words.join(' ');
  return { ...(firstName ? { firstName } : {}), ...(middleName ? { middleName } : {}), lastName };
}

/** The create body of a contact or person customer, in the user's subsidiary when the account has them. */
export function newEntityInput(type: NetSuiteContactType, name: string, phoneNumber: string, subsidiaryId: string | undefined): NetSuiteEntityInput {
  return {
    ...splitName(name),
    phone: phoneNumber,
    ...(type === 'Customer' ? { isPerson: true } : {}),
    ...(subsidiaryId ? { subsidiary: { id: subsidiaryId } } : {}),
  };
}

/**
 * A phone call's date and clock times on the user's calendar (NetSuite shows them in the
 * user's time zone). The end is at least a minute after the start: NetSuite refuses an end
 * time that is not later than the start.
 */
export function callTimes(
  startTime: string | undefined,
  duration: number | 'pending' | undefined,
  timezone: string,
): { startDate: string; startTime: string; endTime: string; completedDate: string } | undefined {
  const at = startTime ? Date.parse(startTime) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const seconds = typeof duration === 'number' && Number.isFinite(duration) && duration > 0 ? duration : 0;
  const start = inUserTimezone(at, timezone);
  let end = inUserTimezone(at + seconds * 1000, timezone);
  if (end.format('YYYY-MM-DD HH:mm') <= start.format('YYYY-MM-DD HH:mm')) end = start.clone().add(1, 'minute');
  return {
    startDate: start.format('YYYY-MM-DD'),
    startTime: start.format('HH:mm'),
    endTime: end.format('HH:mm'),
    completedDate: end.format('YYYY-MM-DD'),
  };
}

/** The day a message digest starts on, on the user's calendar. */
export function messageDate(creationTime: string | undefined, timezone: string): string | undefined {
  const at = creationTime ? Date.parse(creationTime) : Number.NaN;
  return Number.isNaN(at) ? undefined : inUserTimezone(at, timezone).format('YYYY-MM-DD');
}

/** A NetSuite internal id from our string ids, or undefined. */
export function internalId(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = String(value).trim();
  return /^[1-9]\d{0,18}$/.test(id) ? id : undefined;
}

function digits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}
