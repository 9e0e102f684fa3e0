import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppException } from '../common/app.exception.js';
import { annotateRequest } from '../common/request-context.js';
import { AuthService } from './auth.service.js';
import type { CrmSession } from './crm-session.js';
import { REFRESHED_TOKEN_HEADER, SessionTokenService } from './session-token.service.js';

interface ReplyWithHeaders {
  header(name: string, value: string): unknown;
}

export interface SessionRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  crmSession?: CrmSession;
}

/**
 * Accepts the session JWT as `Authorization: Bearer <jwt>` or the legacy
 * `?jwtToken=` and attaches the CrmSession. Every failure is a 401 saying why.
 * A valid token near its expiry is renewed in the x-refreshed-jwt-token header.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly tokens: SessionTokenService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const token = this.extractToken(request);
    const payload = this.tokens.verify(token);
    request.crmSession = await this.auth.resolveSession(payload.sub, payload.sv, payload.platform);
    annotateRequest(request, { userId: payload.sub, platform: payload.platform });
    const renewed = this.tokens.renewIfAging(payload);
    if (renewed) context.switchToHttp().getResponse<ReplyWithHeaders>().header(REFRESHED_TOKEN_HEADER, renewed);
    return true;
  }

  private extractToken(request: SessionRequest): string {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.length > 0) {
      const [scheme, value] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !value) {
        throw AppException.sessionInvalid('Malformed Authorization header: expected "Bearer <jwt>".');
      }
      return value.trim();
    }
    const query = request.query.jwtToken;
    if (typeof query === 'string' && query.length > 0) return query;
    throw AppException.sessionInvalid(
      'Missing session token: send Authorization: Bearer <jwt> (or the legacy ?jwtToken=).',
    );
  }
}
