import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config/app-config.js';

/**
 * Query parameters never written to logs: credentials of legacy clients, the OAuth
 * callback URL (its own query holds the authorization code, percent-encoded) and
 * phone numbers (personal data).
 */
const SECRET_QUERY_PARAMS =
  /([?&](?:jwtToken|rcAccessToken|access_token|api_token|code|callbackUri|phoneNumber|overridingFormat)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[REDACTED]');
}

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      // Bodies are never logged: they carry message text and RingCentral tokens.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-rc-access-token"]',
          'req.headers.cookie',
          // A renewed session token travels back in a response header.
          'res.headers["x-refreshed-jwt-token"]',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
      },
      autoLogging: { ignore: (req) => req.url === '/isAlive' },
    },
  };
}
