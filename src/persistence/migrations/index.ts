import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763700000000 } from './1763700000000-initial-schema.js';
import { ContactCache1763700003000 } from './1763700003000-contact-cache.js';
import { Settings1763700005000 } from './1763700005000-settings.js';
import { Calldown1763700006000 } from './1763700006000-calldown.js';
import { AccountData1763700007000 } from './1763700007000-account-data.js';
import { CallNoteCache1763700008000 } from './1763700008000-call-note-cache.js';
import { SentBodies1763700009000 } from './1763700009000-sent-bodies.js';
import { PendingWrites1763700004000 } from './1763700004000-pending-writes.js';

/**
 * The core's migrations, oldest first. Listed explicitly so the build and the tests load the
 * same set; a connector with tables of its own contributes its migrations through its module.
 */
export const CORE_MIGRATIONS = [
  InitialSchema1763700000000,
  ContactCache1763700003000,
  PendingWrites1763700004000,
  Settings1763700005000,
  Calldown1763700006000,
  AccountData1763700007000,
  CallNoteCache1763700008000,
  SentBodies1763700009000,
];

type MigrationClass = new () => MigrationInterface;

/** The core's and the connectors' migrations in one timeline, by the timestamp in each class name. */
export function allMigrations(contributed: MigrationClass[]): MigrationClass[] {
  const timestamp = (migration: MigrationClass) => Number(/(\d{13})$/.exec(migration.name)?.[1] ?? 0);
  return [...CORE_MIGRATIONS, ...contributed].sort((a, b) => timestamp(a) - timestamp(b));
}
