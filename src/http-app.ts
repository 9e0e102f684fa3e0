import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { REFRESHED_TOKEN_HEADER } from './auth/session-token.service.js';
import { registerRequestBodyHandling } from './common/http/request-body.hooks.js';
import { annotateRequest, REQUEST_ID_HEADER, requestIdOf } from './common/request-context.js';
import { AppConfig } from './config/app-config.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.service.js';
import { ACCESS_LOG, accessLogHook, AppLogger } from './logging-setup.js';

/** Fastify: lower per-request overhead than Express, with a body limit built in. */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  // Fastify reads a number as a hop count; its types only list the other forms.
  const trustProxy = config.trustProxy as boolean | string;
  return new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy,
    // One id per request for Fastify, the access log and error bodies alike.
    genReqId: (request: object) => requestIdOf(request),
    // On close, idle keep-alive connections go at once; busy ones when their answer is sent
    // (GracefulShutdown answers with Connection: close while closing).
    forceCloseConnections: 'idle',
  });
}

/** Everything main.ts and the e2e tests set up the same way beyond the module itself. */
export function configureHttpApp(app: NestFastifyApplication | INestApplication): void {
  app.useLogger(app.get(AppLogger));
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  // First, so every request is logged, those answered early (shutdown, bad bodies) included.
  fastify.addHook('onRequest', accessLogHook(app.get(ACCESS_LOG)));
  // Runs after routing, so the route template is known; the id goes back to the caller.
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url) annotateRequest(request, { route: request.routeOptions.url });
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  const shutdown = app.get(GracefulShutdown, { strict: false });
  shutdown.attach(app.getHttpServer());
  fastify.addHook('onRequest', (request, reply, done) => {
    if (shutdown.closing) {
      void reply
        .code(503)
        .header('connection', 'close')
        .header('retry-after', '1')
        .send({ ...shutdown.closingAnswer(), requestId: request.id });
      return;
    }
    shutdown.requestStarted();
    // 'close' fires whether the answer was sent or the client went away.
    reply.raw.once('close', () => shutdown.requestFinished());
    done();
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (shutdown.closing) void reply.header('connection', 'close');
  });
  // SIGTERM and SIGINT run Nest's shutdown sequence: GracefulShutdown closes the door and
  // waits for the requests inside, the outbox worker drains, the HTTP server closes, then
  // the CRM agents and the database (their onApplicationShutdown hooks).
  app.enableShutdownHooks();
  registerRequestBodyHandling(app as NestFastifyApplication);
  const config = app.get(AppConfig);
  app.enableCors({
    origin: corsOriginMatcher(config.CORS_ORIGINS),
    // The extension reads the renewed session token from a response header, which a
    // browser hides from scripts unless CORS exposes it.
    exposedHeaders: [REFRESHED_TOKEN_HEADER, REQUEST_ID_HEADER],
  });
  // The factory runs on the first /docs or /docs-json request rather than at start:
  // a server that is never asked for its documentation does not carry it.
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

function openApiDocument(app: NestFastifyApplication | INestApplication) {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('App Connect CRM logging server')
      .setDescription(
        'Connector server for RingCentral App Connect: find CRM contacts, log calls, and log SMS, MMS, voicemail and fax as daily digests. ' +
          'Sign in with POST /apiKeyLogin (local CRM key: `demo`), then send the returned jwtToken as a Bearer token.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Session JWT from /apiKeyLogin or /oauth-callback.' }, 'userJwt')
      .addApiKey({ type: 'apiKey', in: 'query', name: 'jwtToken', description: 'Legacy query location of the session JWT. Prefer the Bearer header.' }, 'legacyUserJwt')
      .build(),
  );
}

/** `*`, exact origins, and `scheme://*` for every origin of a scheme (browser extensions). */
export function corsOriginMatcher(allowed: string[]): boolean | ((origin: string | undefined, done: (error: Error | null, allow: boolean) => void) => void) {
  if (allowed.includes('*')) return true;
  const exact = new Set(allowed.filter((entry) => !entry.endsWith('://*')));
  const schemes = allowed.filter((entry) => entry.endsWith('://*')).map((entry) => entry.slice(0, -1));
  return (origin, done) => {
    done(null, origin !== undefined && (exact.has(origin) || schemes.some((prefix) => origin.startsWith(prefix))));
  };
}
