import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CallLogEntity } from '../entities/call-log.entity.js';

/** One RingCentral call session of one extension, for one of our users. */
export interface CallSessionKey {
  userId: string;
  sessionId: string;
  /** hashedExtensionId, else extensionNumber, else '' */
  extensionKey: string;
}

/** better-sqlite3 and pg report a unique-index violation with these driver codes. */
const UNIQUE_VIOLATION_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** A claim without a CRM log id after this long belongs to a create that died. */
export const STALE_CLAIM_MS = 10 * 60_000;

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}

@Injectable()
export class CallLogsRepository {
  constructor(@InjectRepository(CallLogEntity) private readonly callLogs: Repository<CallLogEntity>) {}

  findBySession(key: CallSessionKey): Promise<CallLogEntity | null> {
    return this.callLogs.findOneBy({ ...key });
  }

  findBySessions(userId: string, sessionIds: string[], extensionKey: string): Promise<CallLogEntity[]> {
    if (sessionIds.length === 0) return Promise.resolve([]);
    return this.callLogs.findBy({ userId, extensionKey, sessionId: In(sessionIds) });
  }

  /**
   * Claims the session before the CRM is called: the row goes in with no CRM log id,
   * and the unique index on the key lets exactly one claimant win, on either database
   * and across server instances. Null when the key is already claimed or logged.
   *
   * A claim left behind by an instance that died mid-create would block the session
   * forever, so a claim older than STALE_CLAIM_MS (far beyond any CRM timeout) is
   * taken over; the unique index again decides between several takers.
   */
  async claim(key: CallSessionKey, contactId: string, now = Date.now()): Promise<CallLogEntity | null> {
    const claimed = await this.tryInsert(key, contactId, now);
    if (claimed) return claimed;
    const existing = await this.findBySession(key);
    if (existing?.thirdPartyLogId) return null;
    if (existing) {
      const claimedAt = Number(existing.details?.claimedAt);
      if (!(now - claimedAt > STALE_CLAIM_MS)) return null;
      await this.release(existing.id);
    }
    return this.tryInsert(key, contactId, now);
  }

  private async tryInsert(key: CallSessionKey, contactId: string, now: number): Promise<CallLogEntity | null> {
    try {
      const result = await this.callLogs.insert({ ...key, contactId, thirdPartyLogId: null, details: { claimedAt: now } });
      return this.callLogs.findOneByOrFail({ id: Number(result.identifiers[0]?.id) });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Turns a claim into the mapping once the CRM returned its log id. */
  async complete(id: number, thirdPartyLogId: string, details: Record<string, unknown>): Promise<void> {
    await this.callLogs.update({ id }, { thirdPartyLogId, details } as QueryDeepPartialEntity<CallLogEntity>);
  }

  /** Gives a claim back (the CRM call failed) so a retry can log the session. */
  async release(id: number): Promise<void> {
    await this.callLogs.delete({ id, thirdPartyLogId: IsNull() });
  }

  async updateDetails(id: number, details: Record<string, unknown>): Promise<void> {
    await this.callLogs.update({ id }, { details } as QueryDeepPartialEntity<CallLogEntity>);
  }
}
