import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signed-in user's session JWT. HttpOnly: no script of any page can read it. */
export const SESSION_COOKIE = 'console_session';
/** Proof of the operator token (an HMAC of it), never the token itself. */
export const OPERATOR_COOKIE = 'console_operator';
/** Cookies are sent to the console's routes only, not to the API the extension calls. */
const COOKIE_PATH = '/console';

/** Cookie header to name/value pairs; malformed parts are skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const name = part.slice(0, separator).trim();
    const raw = part.slice(separator + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      // A value we did not set; ignoring it is the same as not having it.
    }
  }
  return cookies;
}

/** Set-Cookie for a console cookie: HttpOnly, SameSite=Strict, Secure when served over https. */
export function setCookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${COOKIE_PATH}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, '', { maxAgeSeconds: 0, secure });
}

/** What the operator cookie holds for a token: it proves the token without revealing it. */
export function operatorProof(adminToken: string): string {
  return createHmac('sha256', adminToken).update('app-connect-console-operator').digest('base64url');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * CSRF: a console POST must come from a console page, i.e. carry an Origin equal to the
 * server's own (as the browser reached it, or PUBLIC_BASE_URL). SameSite=Strict already
 * keeps the cookie off cross-site requests; this also refuses same-site sibling origins.
 */
export function isOwnOrigin(origin: string | undefined, ownOrigins: string[]): boolean {
  if (!origin || origin === 'null') return false;
  return ownOrigins.includes(origin.toLowerCase());
}

/** The origins this server is reached at, lower-cased. */
export function ownOriginsOf(protocol: string, host: string | undefined, publicBaseUrl: string): string[] {
  const origins = [new URL(publicBaseUrl).origin.toLowerCase()];
  if (host) origins.push(`${protocol}://${host}`.toLowerCase());
  return origins;
}
