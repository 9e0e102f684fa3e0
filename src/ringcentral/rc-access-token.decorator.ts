import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

/**
 * The caller's RingCentral access token: the X-RC-Access-Token header, else the legacy
 * `rcAccessToken` query parameter. Undefined when neither is sent.
 */
export const RcAccessToken = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const request = context.switchToHttp().getRequest<RequestLike>();
  const header = request.headers['x-rc-access-token'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const query = request.query.rcAccessToken;
  return typeof query === 'string' && query.trim() ? query.trim() : undefined;
});

/** Documents both ways a route takes the RingCentral token. */
export const AcceptsRcAccessToken = () =>
  applyDecorators(ApiSecurity('ringCentralAccessToken'), ApiSecurity('legacyRingCentralAccessToken'));

/** The hashed account id the extension sends on its requests (`rc-account-id`). */
export const RcAccountIdHeader = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const header = context.switchToHttp().getRequest<RequestLike>().headers['rc-account-id'];
  return typeof header === 'string' && header ? header : undefined;
});
