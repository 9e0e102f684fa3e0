import { Injectable } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { AppException } from '../common/app.exception.js';
import { AppConfig } from '../config/app-config.js';
import type { SessionJwtPayload } from './crm-session.js';

/** Issues and verifies the App Connect session JWT (HS256, server secret). */
@Injectable()
export class SessionTokenService {
  /**
   * A KeyObject rather than the string: given a string, jsonwebtoken first tries to
   * read it as a PEM public key (and fails) on every verify, about a quarter of the
   * server's CPU under load.
   */
  private readonly key: KeyObject;

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

  verify(token: string): SessionJwtPayload {
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
