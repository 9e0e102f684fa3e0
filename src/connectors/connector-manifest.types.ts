/**
 * The parts of a connector's manifest that only the client reads: sign-in forms,
 * host discovery and settings. Field names follow App Connect's manifest format, so
 * they are published as they are.
 */

/** One field of the API-key sign-in form. */
export interface ManifestAuthField {
  /** `apiKey` is the key itself; any other const arrives in /apiKeyLogin's additionalInfo. */
  const: string;
  title: string;
  type: 'string' | 'inputField' | 'selection' | 'checkbox';
  required?: boolean;
  description?: string;
  placeholder?: string;
}

export interface ManifestApiKeyPage {
  title: string;
  warning?: string;
  content: ManifestAuthField[];
}

/** The client-visible half of OAuth. The client secret never goes here. */
export interface ManifestOAuth {
  authUrl: string;
  clientId: string;
  redirectUri?: string;
  /** Appended to the authorization URL as it is, e.g. `scope=contacts:read`. */
  scope?: string;
  customState?: string;
}

export type ManifestEnvironment =
  | { type: 'fixed'; url: string }
  | { type: 'dynamic'; urlIdentifier: string; instructions?: string[] }
  | { type: 'selectable'; selections: { const: string; name: string }[] };

export interface ManifestSettingItem {
  /** Key under userSettings; also usable as a {token} in the page URL templates. */
  id: string;
  type: 'inputField' | 'boolean' | 'option' | 'warning';
  name: string;
  description?: string;
  placeholder?: string;
  defaultValue?: unknown;
  /** `warning` items: the text shown. */
  value?: string;
  options?: { id: string; name: string }[];
  multiple?: boolean;
  checkbox?: boolean;
  required?: boolean;
}

export interface ManifestSettingSection {
  id: string;
  type: 'section';
  name: string;
  /** False keeps the section to admins (managed settings) only. */
  visibleToUsers?: boolean;
  items: ManifestSettingItem[];
}
