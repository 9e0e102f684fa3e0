import { AppException } from '../common/app.exception.js';
import type { OAuthCallbackQueryDto } from './dto/oauth-callback.dto.js';

/**
 * Reads platform, code and hostname from the callback, whether the client sent them
 * as separate query fields or inside callbackUri (as the browser extension does).
 */
export function parseOAuthCallback(query: OAuthCallbackQueryDto): {
  platform: string;
  code: string;
  hostname?: string;
  redirectUri?: string;
  username?: string;
  /** The callback URI's other query fields (NetSuite adds entity, company and role). */
  callbackParams?: Record<string, string>;
} {
  let fromUri: URLSearchParams | undefined;
  let redirectUri: string | undefined;
  if (query.callbackUri) {
    try {
      const uri = new URL(query.callbackUri);
      fromUri = uri.searchParams;
      redirectUri = `${uri.origin}${uri.pathname}`;
    } catch {
      throw AppException.invalidRequest('callbackUri is not a valid URL', ['callbackUri']);
    }
  }
  const state = query.state ?? fromUri?.get('state') ?? '';
  const platform = state.includes('=') ? new URLSearchParams(state).get('platform') : state;
  const code = query.code ?? fromUri?.get('code');
  if (!platform) throw AppException.invalidRequest('state must carry the platform (platform=<name>)', ['state']);
  if (!code) throw AppException.invalidRequest('code is required (as a query field or inside callbackUri)', ['code']);
  const hostname = query.hostname ?? fromUri?.get('hostname') ?? undefined;
  const username = query.username ?? fromUri?.get('username') ?? undefined;
  const callbackParams = Object.fromEntries(
    [...(fromUri?.entries() ?? [])].filter(([name]) => !['code', 'state', 'hostname', 'username'].includes(name)),
  );
  return {
    platform,
    code,
    ...(hostname ? { hostname } : {}),
    ...(redirectUri ? { redirectUri } : {}),
    ...(username ? { username } : {}),
    ...(Object.keys(callbackParams).length > 0 ? { callbackParams } : {}),
  };
}
