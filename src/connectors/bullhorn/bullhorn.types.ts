/** The parts of Bullhorn's REST API objects this connector writes and reads. */

/** GET {rest}/rest-services/loginInfo?username= : the user's data centre. */
export interface BullhornLoginInfo {
  oauthUrl: string;
  restUrl: string;
}

/** POST {oauth}/token */
export interface BullhornTokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
}

/** POST {rest}/login?version=2.0 : the REST session. */
export interface BullhornRestSession {
  BhRestToken: string;
  restUrl: string;
}

export interface BullhornCorporateUser {
  id: number;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  timeZoneOffsetEST?: number;
  isDeleted?: boolean;
}

/** Bullhorn's person entities a call can be with. */
export type BullhornPersonEntity = 'ClientContact' | 'Candidate' | 'Lead';

export interface BullhornPerson {
  id: number;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  phone2?: string;
  phone3?: string;
  workPhone?: string;
  dateAdded?: number;
  dateLastModified?: number;
}

export interface BullhornPersonInput {
  firstName?: string;
  lastName: string;
  name: string;
  phone: string;
}

export interface BullhornNoteInput {
  comments?: string;
  action?: string;
  personReference?: { id: number };
  commentingPerson?: { id: number };
}

export interface BullhornNote {
  id: number;
  comments?: string;
  action?: string;
  dateAdded?: number;
  personReference?: { id: number; firstName?: string; lastName?: string; _subtype?: string } | null;
}

/** Answer of PUT/POST entity/{Entity}. */
export interface BullhornChange {
  changedEntityType: string;
  changedEntityId: number;
  changeType: 'INSERT' | 'UPDATE' | string;
  data?: Record<string, unknown>;
}

/** Answers of search/{Entity} and query/{Entity}. */
export interface BullhornList<T> {
  total?: number;
  start?: number;
  count?: number;
  data: T[];
}
