import { LocalCrmIdempotency1763700004100 } from '../../connectors/local/local-crm-idempotency.migration.js';
import { LocalCrmSchema1763700000100 } from '../../connectors/local/local-crm-schema.migration.js';
import { InitialSchema1763700000000 } from './1763700000000-initial-schema.js';
import { ContactCache1763700003000 } from './1763700003000-contact-cache.js';
import { Settings1763700005000 } from './1763700005000-settings.js';
import { Calldown1763700006000 } from './1763700006000-calldown.js';
import { AccountData1763700007000 } from './1763700007000-account-data.js';
import { CallNoteCache1763700008000 } from './1763700008000-call-note-cache.js';
import { PendingWrites1763700004000 } from './1763700004000-pending-writes.js';

/** Every migration, oldest first. Listed explicitly so the build and the tests load the same set. */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  LocalCrmSchema1763700000100,
  ContactCache1763700003000,
  PendingWrites1763700004000,
  LocalCrmIdempotency1763700004100,
  Settings1763700005000,
  Calldown1763700006000,
  AccountData1763700007000,
  CallNoteCache1763700008000,
];
