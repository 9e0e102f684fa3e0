/** The parts of NetSuite's REST record, SuiteQL and OAuth 2 answers this connector reads and writes. */

/** A reference to another record, as NetSuite writes and reads it: `{ id }`, with `refName` on reads. */
export interface NetSuiteRef {
  id: string;
  refName?: string;
}

/** POST /services/rest/query/v1/suiteql: one page of rows, column names in lower case. */
export interface SuiteQlPage<T> {
  items: T[];
  hasMore: boolean;
  count?: number;
  offset?: number;
  totalResults?: number;
}

/** GET /services/rest/record/v1/employee/{id} (the signed-in user). */
export interface NetSuiteEmployee {
  id: string;
  entityId?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  email?: string;
  subsidiary?: NetSuiteRef;
}

/** GET /services/rest/record/v1/subsidiary/{id}; the time zone is a select field whose id is an IANA name. */
export interface NetSuiteSubsidiary {
  id: string;
  name?: string;
  timeZone?: NetSuiteRef | string;
}

/** A contact or customer row from SuiteQL. */
export interface NetSuiteEntityRow {
  id: string;
  firstname?: string | null;
  middlename?: string | null;
  lastname?: string | null;
  entitytitle?: string | null;
  companyname?: string | null;
  email?: string | null;
  phone?: string | null;
  homephone?: string | null;
  mobilephone?: string | null;
  officephone?: string | null;
  altphone?: string | null;
  /** Contacts: the customer (company) they belong to. */
  company?: string | null;
  lastmodifieddate?: string | null;
  datecreated?: string | null;
}

/** A sales order or opportunity row from SuiteQL's transaction table. */
export interface NetSuiteTransactionRow {
  id: string;
  entity: string;
  type: 'SalesOrd' | 'Opprtnty' | string;
  trandisplayname?: string | null;
  tranid?: string | null;
}

/** The fields of a phoneCall record this connector writes (calls and message digests). */
export interface NetSuitePhoneCallInput {
  title?: string;
  message?: string;
  phone?: string;
  status?: 'COMPLETE' | 'SCHEDULED';
  priority?: 'HIGH' | 'MEDIUM' | 'LOW';
  /** YYYY-MM-DD on the user's calendar. */
  startDate?: string;
  completedDate?: string;
  /** HH:mm on the user's clock. */
  startTime?: string;
  endTime?: string;
  timedEvent?: boolean;
  contact?: { id: string };
  company?: { id: string };
  transaction?: { id: string };
  /** Our idempotency key: unique per record type in NetSuite, and searchable with SuiteQL. */
  externalId?: string;
}

export interface NetSuitePhoneCall extends NetSuitePhoneCallInput {
  id: string;
  contact?: NetSuiteRef;
  company?: NetSuiteRef;
  transaction?: NetSuiteRef;
}

/** GET /services/rest/record/v1/contact/{id}: the contact's company, which the phone call is filed under too. */
export interface NetSuiteContact {
  id: string;
  company?: NetSuiteRef;
}

/** The create body of a contact or of a person customer. */
export interface NetSuiteEntityInput {
  firstName?: string;
  middleName?: string;
  lastName: string;
  phone: string;
  isPerson?: boolean;
  subsidiary?: { id: string };
}

/** POST /services/rest/auth/oauth2/v1/token */
export interface NetSuiteTokenResponse {
  access_token: string;
  refresh_token?: string;
  /** Seconds; NetSuite sends it as a string. */
  expires_in?: string | number;
  token_type?: string;
}
