import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * Whether the request comes from RingCentral's server-side call logging service, which
 * identifies itself with `User-Agent: SSCL`.
 */
export const FromServerSideLogging = createParamDecorator((_data: unknown, context: ExecutionContext): boolean => {
  const agent = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['user-agent'];
  return typeof agent === 'string' && /^SSCL\b/i.test(agent.trim());
});
