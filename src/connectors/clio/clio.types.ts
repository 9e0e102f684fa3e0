/** The parts of Clio's API v4 objects this connector writes and reads. */

/** Clio wraps every object in { data }; lists add { meta: { paging, records } }. */
export interface ClioEnvelope<T> {
  data: T;
  meta?: { paging?: { next?: string; previous?: string }; records?: number };
}

/** GET /api/v4/users/who_am_i.json */
export interface ClioUser {
  id: number;
  name: string;
  email?: string;
  time_zone?: string;
}

export interface ClioPhoneNumber {
  id?: number;
  name?: string;
  number: string;
  default_number?: boolean;
}

/** GET /api/v4/contacts.json; Clio contacts are a Person or a Company. */
export interface ClioContact {
  id: number;
  name: string;
  type: 'Person' | 'Company';
  phone_numbers?: ClioPhoneNumber[];
  primary_email_address?: string | null;
  created_at?: string;
  updated_at?: string;
}

export interface ClioContactInput {
  type: 'Person' | 'Company';
  name?: string;
  first_name?: string;
  last_name?: string;
  phone_numbers: ClioPhoneNumber[];
}

export interface ClioMatter {
  id: number;
  display_number: string;
  description?: string | null;
  status?: 'Open' | 'Pending' | 'Closed' | string;
}

/** GET /api/v4/relationships.json: a contact's role on someone else's matter. */
export interface ClioRelationship {
  id: number;
  matter?: ClioMatter | null;
}

/** A party of a communication: the user, or a contact (read back as Person or Company). */
export interface ClioParty {
  id: number;
  type: 'User' | 'Contact' | 'Person' | 'Company' | string;
  name?: string;
}

export interface ClioExternalProperty {
  id?: number;
  name: string;
  value: string;
}

/** The fields of /api/v4/communications this connector writes. */
export interface ClioCommunicationInput {
  type?: 'PhoneCommunication';
  subject?: string;
  body?: string;
  received_at?: string;
  senders?: ClioParty[];
  receivers?: ClioParty[];
  matter?: { id: number } | null;
  external_properties?: ClioExternalProperty[];
}

export interface ClioCommunication {
  id: number;
  type?: string;
  subject?: string;
  body?: string;
  received_at?: string;
  created_at?: string;
  senders?: ClioParty[];
  receivers?: ClioParty[];
  matter?: { id: number; display_number?: string } | null;
  external_properties?: ClioExternalProperty[];
}

/** A time entry (an activity of type TimeEntry) as written; quantity is in seconds. */
export interface ClioTimeEntryInput {
  type?: 'TimeEntry';
  /** YYYY-MM-DD */
  date?: string;
  quantity?: number;
  note?: string;
  non_billable?: boolean;
  communication?: { id: number };
  matter?: { id: number } | null;
}

export interface ClioActivity {
  id: number;
  type?: string;
  quantity?: number;
}

/** POST /oauth/token */
export interface ClioTokenResponse {
  access_token: string;
  token_type?: string;
  refresh_token?: string;
  expires_in?: number;
}
