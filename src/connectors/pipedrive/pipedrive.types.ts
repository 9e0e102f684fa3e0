/** The parts of Pipedrive's API objects this connector reads. */

export interface PipedriveUser {
  id: number;
  name: string;
  email?: string;
  timezone_name?: string;
  timezone_offset?: string;
  company_id?: number;
  company_domain?: string;
}

/** An item of GET /api/v2/persons/search. */
export interface PipedrivePersonSearchItem {
  id: number;
  name: string;
  phones?: string[];
  emails?: string[];
  organization?: { id: number; name?: string } | null;
  update_time?: string;
}

/** GET/POST /api/v2/persons. */
export interface PipedrivePerson {
  id: number;
  name: string;
  org_id?: number | null;
  phones?: { value: string; primary?: boolean; label?: string }[];
  emails?: { value: string; primary?: boolean; label?: string }[];
  add_time?: string;
}

export interface PipedriveActivityType {
  id: number;
  name: string;
  key_string: string;
  active_flag: boolean;
}

/** The fields of /api/v2/activities this connector writes and reads. */
export interface PipedriveActivityInput {
  subject?: string;
  type?: string;
  owner_id?: number;
  deal_id?: number | null;
  lead_id?: string | null;
  org_id?: number | null;
  participants?: { person_id: number; primary: boolean }[];
  due_date?: string;
  due_time?: string;
  duration?: string;
  done?: boolean;
  note?: string;
  /** Where we keep the idempotency key: not shown in the activity's note. */
  public_description?: string;
}

export interface PipedriveActivity extends PipedriveActivityInput {
  id: number;
  person_id?: number | null;
  add_time?: string;
  update_time?: string;
}

export interface PipedriveDeal {
  id: number;
  title: string;
  status?: string;
}

export interface PipedriveLead {
  id: string;
  title: string;
  is_archived?: boolean;
}

export interface PipedriveTokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  api_domain?: string;
}

/** Pipedrive's envelope: { success, data, additional_data }. */
export interface PipedriveEnvelope<T> {
  success: boolean;
  data: T;
  additional_data?: Record<string, unknown> | null;
}
