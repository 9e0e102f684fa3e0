import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/app.exception.js';
import { AppConfig } from '../config/app-config.js';
import { LoginAttempt } from '../rate-limit/login-attempt.decorator.js';
import { CONSOLE_SCRIPT, CONSOLE_STYLES } from './console.assets.js';
import {
  clearCookie,
  isOwnOrigin,
  OPERATOR_COOKIE,
  operatorProof,
  ownOriginsOf,
  parseCookies,
  sameSecret,
  SESSION_COOKIE,
  setCookie,
} from './console-cookies.js';
import { ConsoleSignInDto, OperatorSignInDto } from './console.dto.js';
import { ConsoleService } from './console.service.js';
import { operatorPage, signInPage, userPage } from './console.views.js';
import type { SafeHtml } from './html.js';

/**
 * Nothing but the console's own script and stylesheet may load, nothing may frame it, and
 * forms post only to it: an injected tag in a contact name can neither run nor phone home.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const OPERATOR_COOKIE_SECONDS = 8 * 60 * 60;

/** The console: server-rendered pages, one script that posts their forms as JSON. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly console: ConsoleService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    const operatorAvailable = this.config.CONSOLE_ADMIN_TOKEN !== undefined;
    if (!token) return this.sendPage(reply, signInPage({ operatorAvailable }));
    try {
      const session = await this.console.session(token);
      return this.sendPage(reply, userPage(await this.console.userView(session, operatorAvailable)));
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      void reply.header('set-cookie', clearCookie(SESSION_COOKIE, this.secure(request)));
      return this.sendPage(reply, signInPage({ operatorAvailable, message: `${error.message} Sign in again.` }));
    }
  }

  @Get('operator')
  async operator(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!this.isOperator(request)) {
      return this.sendPage(reply, signInPage({ operatorAvailable: this.config.CONSOLE_ADMIN_TOKEN !== undefined, message: 'The operator view needs the operator token.' }), 401);
    }
    return this.sendPage(reply, operatorPage(await this.console.operatorView()));
  }

  @Get('console.js')
  script(@Res() reply: FastifyReply): void {
    this.sendAsset(reply, 'text/javascript; charset=utf-8', CONSOLE_SCRIPT);
  }

  @Get('console.css')
  styles(@Res() reply: FastifyReply): void {
    this.sendAsset(reply, 'text/css; charset=utf-8', CONSOLE_STYLES);
  }

  @Post('session')
  @HttpCode(200)
  @LoginAttempt()
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: ConsoleSignInDto): Promise<void> {
    this.requireOwnOrigin(request);
    if ((body.apiKey === undefined) === (body.jwtToken === undefined)) {
      throw AppException.invalidRequest('Send either apiKey (local CRM) or jwtToken.', ['apiKey', 'jwtToken']);
    }
    const token = body.apiKey !== undefined ? await this.console.signInWithKey(body.apiKey) : body.jwtToken!;
    await this.console.session(token);
    void this.securityHeaders(reply)
      .header('set-cookie', setCookie(SESSION_COOKIE, token, { maxAgeSeconds: this.config.JWT_TTL_SECONDS, secure: this.secure(request) }))
      .send({ successful: true, next: '/console' });
  }

  @Post('operator')
  @HttpCode(200)
  @LoginAttempt()
  signInOperator(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: OperatorSignInDto): void {
    this.requireOwnOrigin(request);
    const adminToken = this.config.CONSOLE_ADMIN_TOKEN;
    if (!adminToken) throw AppException.forbidden('The operator view is off: CONSOLE_ADMIN_TOKEN is not set.');
    if (!sameSecret(body.token, adminToken)) throw AppException.sessionInvalid('That is not the operator token.');
    void this.securityHeaders(reply)
      .header('set-cookie', setCookie(OPERATOR_COOKIE, operatorProof(adminToken), { maxAgeSeconds: OPERATOR_COOKIE_SECONDS, secure: this.secure(request) }))
      .send({ successful: true, next: '/console/operator' });
  }

  @Post('sign-out')
  @HttpCode(200)
  signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.requireOwnOrigin(request);
    const secure = this.secure(request);
    void this.securityHeaders(reply)
      .header('set-cookie', [clearCookie(SESSION_COOKIE, secure), clearCookie(OPERATOR_COOKIE, secure)])
      .send({ successful: true, next: '/console', message: 'Signed out.' });
  }

  @Post('outbox/:writeKey/retry')
  @HttpCode(200)
  async retry(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('writeKey') writeKey: string): Promise<void> {
    this.requireOwnOrigin(request);
    const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (!token) throw AppException.sessionInvalid('Sign in to the console first.');
    const session = await this.console.session(token);
    const outcome = await this.console.retry(session, writeKey);
    const message =
      outcome.status === 'delivered'
        ? 'Delivered to the CRM.'
        : outcome.status === 'unavailable'
          ? outcome.reason
          : `Tried again; still ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : '.'}`;
    void this.securityHeaders(reply).send({ successful: outcome.status === 'delivered', status: outcome.status, message, next: '/console' });
  }

  private isOperator(request: FastifyRequest): boolean {
    const adminToken = this.config.CONSOLE_ADMIN_TOKEN;
    const proof = parseCookies(request.headers.cookie).get(OPERATOR_COOKIE);
    return adminToken !== undefined && proof !== undefined && sameSecret(proof, operatorProof(adminToken));
  }

  private requireOwnOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (!isOwnOrigin(origin, ownOriginsOf(request.protocol, request.headers.host, this.config.publicBaseUrl))) {
      throw AppException.forbidden('Console forms are accepted from the console page only (Origin check).');
    }
  }

  private secure(request: FastifyRequest): boolean {
    return request.protocol === 'https' || this.config.publicBaseUrl.startsWith('https:');
  }

  private securityHeaders(reply: FastifyReply): FastifyReply {
    return reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store');
  }

  private sendPage(reply: FastifyReply, page: SafeHtml, status = 200): void {
    void this.securityHeaders(reply).code(status).type('text/html; charset=utf-8').send(page.markup);
  }

  private sendAsset(reply: FastifyReply, type: string, content: string): void {
    void reply
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .type(type)
      .send(content);
  }
}
