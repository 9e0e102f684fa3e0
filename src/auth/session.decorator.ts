import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import type { CrmSession } from './crm-session.js';
import { SessionGuard, SessionRequest } from './session.guard.js';

/** Guards a route with the session JWT and documents both ways of sending it. */
export const RequiresSession = () =>
  applyDecorators(
    UseGuards(SessionGuard),
    ApiBearerAuth('userJwt'),
    ApiSecurity('legacyUserJwt'),
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or revoked session.', type: ErrorResponseDto }),
  );

/** The CrmSession the guard attached. */
export const Session = createParamDecorator((_data: unknown, context: ExecutionContext): CrmSession => {
  const session = context.switchToHttp().getRequest<SessionRequest>().crmSession;
  if (!session) throw new Error('@Session() used on a route without @RequiresSession()');
  return session;
});
