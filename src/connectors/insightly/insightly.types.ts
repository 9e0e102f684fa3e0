/** The parts of Insightly's v3.1 records the connector reads and writes (Insightly spells fields in capitals). */

export interface InsightlyUser {
  USER_ID: number;
  FIRST_NAME?: string;
  LAST_NAME?: string;
  EMAIL_ADDRESS?: string;
  /** A Windows time zone name, e.g. "Pacific Standard Time". */
  TIMEZONE_ID?: string;
  INSTANCE_ID?: number;
}

export interface InsightlyPerson {
  CONTACT_ID?: number;
  LEAD_ID?: number;
  FIRST_NAME?: string | null;
  LAST_NAME?: string | null;
  TITLE?: string | null;
  EMAIL_ADDRESS?: string | null;
  PHONE?: string | null;
  PHONE_MOBILE?: string | null;
  MOBILE?: string | null;
  DATE_CREATED_UTC?: string;
  DATE_UPDATED_UTC?: string;
  LAST_ACTIVITY_DATE_UTC?: string | null;
}

export interface InsightlyLink {
  LINK_ID?: number;
  LINK_OBJECT_NAME: string;
  LINK_OBJECT_ID: number;
}

export interface InsightlyEvent {
  EVENT_ID: number;
  TITLE?: string;
  DETAILS?: string | null;
  START_DATE_UTC?: string;
  END_DATE_UTC?: string;
  ALL_DAY?: boolean;
  DATE_CREATED_UTC?: string;
  DATE_UPDATED_UTC?: string;
  OWNER_USER_ID?: number;
  LINKS?: InsightlyLink[];
}

export interface InsightlyEventInput {
  EVENT_ID?: number;
  TITLE: string;
  DETAILS: string;
  START_DATE_UTC?: string;
  END_DATE_UTC?: string;
  ALL_DAY?: boolean;
}
