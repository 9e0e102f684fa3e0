import { type ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { AuthModule } from '../auth/auth.module.js';
import { SessionTokenService } from '../auth/session-token.service.js';
import { AppConfig } from '../config/app-config.js';
import { FixedWindowStorage } from './fixed-window.storage.js';
import { LOGIN_ATTEMPT } from './login-attempt.decorator.js';
import { RateLimitGuard } from './rate-limit.guard.js';

interface TrackedRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
}

/** The session token as the session guard reads it, without its errors: absent is fine here. */
function sessionTokenOf(request: TrackedRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer /i.test(header)) return header.slice(7).trim() || undefined;
  const query = request.query?.jwtToken;
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}

const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<TrackedRequest>();

export function rateLimitOptions(config: AppConfig, tokens: SessionTokenService): ThrottlerModuleOptions {
  const ttl = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  return {
    storage: new FixedWindowStorage(),
    // No X-RateLimit-* headers on every answer; a 429 carries Retry-After.
    setHeaders: false,
    throttlers: [
      { name: 'client', ttl, limit: config.RATE_LIMIT_PER_CLIENT, skipIf: () => config.RATE_LIMIT_PER_CLIENT === 0 },
      {
        name: 'login',
        ttl,
        limit: config.RATE_LIMIT_LOGIN_PER_CLIENT,
        skipIf: (context) =>
          config.RATE_LIMIT_LOGIN_PER_CLIENT === 0 || Reflect.getMetadata(LOGIN_ATTEMPT, context.getHandler()) !== true,
      },
      {
        name: 'user',
        ttl,
        limit: config.RATE_LIMIT_PER_USER,
        skipIf: (context) => config.RATE_LIMIT_PER_USER === 0 || sessionTokenOf(requestOf(context)) === undefined,
        // Only a verified token names a user: a forged `sub` must not spend someone else's budget.
        getTracker: (request) => {
          try {
            return `user:${tokens.verify(sessionTokenOf(request as TrackedRequest)!).sub}`;
          } catch {
            return `address:${(request as TrackedRequest).ip}`;
          }
        },
      },
    ],
  };
}

/** Request budgets per client address, per signed-in user, and for logins (429 with Retry-After). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [AuthModule],
      inject: [AppConfig, SessionTokenService],
      useFactory: rateLimitOptions,
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
