import { SetMetadata } from '@nestjs/common';

export const LOGIN_ATTEMPT = 'rateLimit:loginAttempt';

/** Marks a route that checks credentials, so it gets the tighter login limit per client address. */
export const LoginAttempt = (): MethodDecorator => SetMetadata(LOGIN_ATTEMPT, true);
