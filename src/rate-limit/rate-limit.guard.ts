import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

interface ReplyWithHeaders {
  header(name: string, value: string): unknown;
}

/**
 * ThrottlerGuard with one budget per tracker across all routes (the library's keys are
 * per route, so a client could spend the limit once on every route), and the standard
 * Retry-After header on a 429 (the library names it Retry-After-<throttler>).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}|${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<ReplyWithHeaders>().header('Retry-After', String(seconds));
    throw new ThrottlerException(`Too many requests; retry in ${seconds} s.`);
  }
}
