/** The parts of Redtail's public API (v1) answers the connector reads and writes. */

export interface RedtailAuthenticatedUser {
  id: number;
  user_key: string;
  database_id?: number;
  first_name?: string | null;
  last_name?: string | null;
}

export interface RedtailContact {
  id: number;
  type?: string;
  first_name?: string | null;
  middle_name?: string | null;
  last_name?: string | null;
  full_name?: string | null;
  job_title?: string | null;
  created_at?: string;
  updated_at?: string;
}

export interface RedtailCategory {
  id: number;
  name: string;
  deleted?: boolean;
}

export interface RedtailActivity {
  id: number;
  subject?: string;
  description?: string | null;
  start_date?: string;
  end_date?: string;
  category_id?: number | null;
  activity_code_id?: number;
  completed?: boolean;
  created_at?: string;
  updated_at?: string;
  linked_contacts?: { contact_id: number; first_name?: string | null; last_name?: string | null }[];
}

export interface RedtailActivityInput {
  subject: string;
  description: string;
  start_date: string;
  end_date: string;
  activity_code_id: number;
  category_id?: number;
  repeats: 'never';
  linked_contacts: { contact_id: number }[];
}

export interface RedtailPage {
  total_records?: number;
  total_pages?: number;
  current_page?: number;
}
