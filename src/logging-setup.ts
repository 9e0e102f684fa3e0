import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { requestFacts, requestIdOf } from './common/request-context.js';
import type { AppConfig } from './config/app-config.js';

/** The path without its query: queries carry phone numbers, names and legacy tokens. */
const pathOf = (url: string | undefined): string => (url ?? '').split('?')[0];
const originalPath = (req: IncomingMessage & { originalUrl?: string }): string => pathOf(req.originalUrl ?? req.url);

/** `stream` replaces stdout (tests read the access log from it). */
export function loggerOptions(config: AppConfig, stream?: NodeJS.WritableStream): Params {
  const pinoHttp: HttpLoggerOptions = {
    level: config.LOG_LEVEL,
    ...(config.NODE_ENV === 'development'
      ? { transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res' } } }
      : {}),
    genReqId: (req) => requestIdOf(req),
    // Log lines inside a request carry its id only; the one access line at the end has the rest.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customProps: (req) => {
      const { route, userId, platform } = requestFacts(req);
      return { ...(route ? { route } : {}), ...(userId ? { userId, platform } : {}) };
    },
    customSuccessMessage: (req, res, durationMs) =>
      `${req.method} ${requestFacts(req).route ?? originalPath(req)} ${res.statusCode} ${Math.round(durationMs)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${requestFacts(req).route ?? originalPath(req)} ${res.statusCode} failed`,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // Bodies, headers and queries are never logged: they carry tokens, message text and numbers.
    serializers: {
      // Behind the middleware runner `url` is relative to its mount point; originalUrl is the request's.
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => ({ method: req.method, path: originalPath(req.raw ?? req) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => originalPath(req) === '/isAlive' || originalPath(req).startsWith('/health/') },
  };
  return {
    // nestjs-pino's default route pattern is not matched by Nest 12's Fastify adapter,
    // so without this the request middleware never runs and no request is logged.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: stream ? [pinoHttp, stream] : pinoHttp,
  };
}
