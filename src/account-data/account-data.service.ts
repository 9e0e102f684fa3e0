import { Injectable, Logger } from '@nestjs/common';
import type { CrmSession } from '../auth/crm-session.js';
import { AppException } from '../common/app.exception.js';
import { warning } from '../common/return-message.js';
import { AccountDataRepository } from '../persistence/repositories/account-data.repository.js';
import type { AccountDataResponseDto } from './dto/account-data.dto.js';

/**
 * Account-level CRM data, cached in our database per CRM account and key, so every user
 * and instance of one account shares one load per TTL. A failed refresh serves the last
 * value with a warning rather than nothing.
 */
@Injectable()
export class AccountDataService {
  private readonly logger = new Logger(AccountDataService.name);

  constructor(private readonly entries: AccountDataRepository) {}

  async read(session: CrmSession, keyList: string, forceRefresh = false): Promise<AccountDataResponseDto> {
    const { connector } = session;
    const sources = connector.accountData ?? {};
    const keys = [...new Set(keyList.split(',').map((key) => key.trim()).filter(Boolean))];
    const unknown = keys.filter((key) => !Object.hasOwn(sources, key));
    if (unknown.length) {
      const offered = Object.keys(sources);
      throw AppException.invalidRequest(
        `${connector.manifest.displayName} has no account data ${unknown.map((key) => `"${key}"`).join(', ')}` +
          (offered.length ? `; it offers ${offered.join(', ')}.` : '; it offers none.'),
        ['keys'],
      );
    }
    const accountKey = connector.accountKey?.(session.context.user) ?? `user:${session.user.id}`;
    const data: Record<string, unknown> = {};
    const stale: string[] = [];
    for (const dataKey of keys) {
      const key = { platform: connector.name, accountKey, dataKey };
      const stored = await this.entries.find(key);
      if (stored && !forceRefresh && stored.expiresAt.getTime() > Date.now()) {
        data[dataKey] = stored.value;
        continue;
      }
      const source = sources[dataKey];
      try {
        // No connection or transaction is held while the CRM answers.
        const value = await source.load(session.context);
        await this.entries.store(key, value, new Date(Date.now() + source.ttlSeconds * 1000));
        data[dataKey] = value;
      } catch (error) {
        if (!stored) throw error;
        this.logger.warn(`Serving stale ${connector.name} ${dataKey} for ${accountKey}: the refresh failed`);
        data[dataKey] = stored.value;
        stale.push(dataKey);
      }
    }
    return {
      successful: true,
      data,
      ...(stale.length
        ? {
            returnMessage: warning(
              `${connector.manifest.displayName} could not be asked for fresh ${stale.join(', ')}; showing what it said last.`,
            ),
          }
        : {}),
    };
  }
}
