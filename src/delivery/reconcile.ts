import type { CrmSession } from '../auth/crm-session.js';
import type { ContactInfo } from '../connectors/crm-connector.interface.js';
import type { PendingWriteEntity } from '../persistence/entities/pending-write.entity.js';
import { UnreconcilableWriteError } from './write-failure.js';

/**
 * Asks the CRM whether an earlier attempt of this create landed, by the idempotency key
 * the record carries. Null: it did not, so creating now makes exactly one record.
 */
export async function findCreatedLog(
  session: CrmSession,
  write: PendingWriteEntity,
  kind: 'call' | 'message',
  contactInfo: ContactInfo,
): Promise<string | null> {
  const { connector } = session;
  if (!connector.findLogByIdempotencyKey) {
    throw new UnreconcilableWriteError(
      `${connector.manifest.displayName} may or may not have logged this; it cannot be checked, so it is not sent again.`,
    );
  }
  const found = await connector.findLogByIdempotencyKey({
    ...session.context,
    kind,
    idempotencyKey: write.writeKey,
    contactInfo,
    since: write.recordedAt,
  });
  return found.logId ? String(found.logId) : null;
}
