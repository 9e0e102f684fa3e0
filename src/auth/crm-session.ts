import type { ConnectorCallContext, CrmConnector } from '../connectors/crm-connector.interface.js';
import type { UserSettings } from '../common/user-settings.js';
import type { UserEntity } from '../persistence/entities/user.entity.js';

/** What the session guard gives a handler: the user, their connector, and the per-call context. */
export interface CrmSession {
  user: UserEntity;
  connector: CrmConnector;
  /** Spread into every connector call: user, authHeader, refreshAuthHeader. */
  context: ConnectorCallContext;
  /** The user's settings with the account admin's merged on top: what shapes the log bodies. */
  userSettings: UserSettings;
}

export interface SessionJwtPayload {
  sub: string;
  platform: string;
  /** The user's sessionVersion when the token was issued; logout raises it. */
  sv: number;
  /** Set by the JWT library on verified tokens: expiry, epoch seconds. */
  exp?: number;
}
