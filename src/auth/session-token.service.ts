import { Injectable } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { AppException } from '../common/app.exception.js';
import { AppConfig } from '../config/app-config.js';
import type { SessionJwtPayload } from './crm-session.js';

/** The response header that carries a renewed session token; the extension swaps it in. */
export const REFRESHED_TOKEN_HEADER = 'x-refreshed-jwt-token';

/** Sessions slide: a token with less than this left is renewed (capped at half the lifetime). */
const RENEW_WHEN_LEFT_SECONDS = 7 * 24 * 60 * 60;

/**
 * A busy client sends the same token on every request, and each request checks it twice
 * (the rate limiter names the user, then the session guard): a verified token is
 * remembered for a minute, never past its own expiry.
 */
const VERIFIED_TOKEN_MEMO_MS = 60_000;
const VERIFIED_TOKEN_MEMO_MAX = 10_000;

/** Issues and verifies the App Connect session JWT (HS256, server secret). */
@Injectable()
export class SessionTokenService {
  /**
   * A KeyObject rather than the string: given a string, jsonwebtoken first tries to
   * read it as a PEM public key (and fails) on every verify, about a quarter of the
   * server's CPU under load.
   */
  private readonly key: KeyObject;
  private readonly verified = new Map<string, { payload: SessionJwtPayload; validUntilMs: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.APP_SERVER_SECRET_KEY, 'utf8'));
  }

  issue(payload: SessionJwtPayload): string {
    return this.jwt.sign(payload, {
      secret: this.key as unknown as string,
      expiresIn: this.config.JWT_TTL_SECONDS,
      algorithm: 'HS256',
    });
  }

  /**
   * A fresh token for a session whose token is past the renewal point, else undefined.
   * An active user thereby never meets the expiry; an idle one does.
   */
  renewIfAging(payload: SessionJwtPayload, nowSeconds = Math.floor(Date.now() / 1000)): string | undefined {
    if (payload.exp === undefined) return undefined;
    const renewWhenLeft = Math.min(RENEW_WHEN_LEFT_SECONDS, Math.floor(this.config.JWT_TTL_SECONDS / 2));
    if (payload.exp - nowSeconds >= renewWhenLeft) return undefined;
    return this.issue({ sub: payload.sub, platform: payload.platform, sv: payload.sv });
  }

  verify(token: string): SessionJwtPayload {
    const nowMs = Date.now();
    const remembered = this.verified.get(token);
    if (remembered && remembered.validUntilMs > nowMs) return remembered.payload;
    // Shared by every request that presents this token, so nobody may change it.
    const payload = Object.freeze(this.verifySignature(token));
    const expiresAtMs = payload.exp === undefined ? Infinity : payload.exp * 1000;
    this.verified.delete(token);
    this.verified.set(token, { payload, validUntilMs: Math.min(expiresAtMs, nowMs + VERIFIED_TOKEN_MEMO_MS) });
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (this.verified.size > VERIFIED_TOKEN_MEMO_MAX) this.verified.delete(this.verified.keys().next().value!);
    return payload;
  }

  private verifySignature(token: string): SessionJwtPayload {
    try {
      const payload = this.jwt.verify<SessionJwtPayload>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sv !== 'number') {
        throw AppException.sessionInvalid('Invalid session token: please log in again.');
      }
      return payload;
    } catch (error) {
      if (error instanceof AppException) throw error;
      if (error instanceof TokenExpiredError) {
        throw AppException.sessionInvalid('Session expired: please log in again.');
      }
      throw AppException.sessionInvalid('Invalid session token: please log in again.');
    }
  }
}
