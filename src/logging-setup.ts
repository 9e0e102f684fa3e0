import { type DynamicModule, Global, Injectable, type LoggerService, Module } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger as Pino } from 'pino';
import { type HttpLogger, type Options as HttpLoggerOptions, pinoHttp } from 'pino-http';
import { requestFacts, requestIdOf } from './common/request-context.js';
import type { AppConfig } from './config/app-config.js';

/** The path without its query: queries carry phone numbers, names and legacy tokens. */
const pathOf = (url: string | undefined): string => (url ?? '').split('?')[0];
const originalPath = (req: IncomingMessage & { originalUrl?: string }): string => pathOf(req.originalUrl ?? req.url);

/** The access log's settings: which fields, which levels, and what is never logged. */
export function loggerOptions(config: AppConfig): HttpLoggerOptions {
  return {
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
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => ({ method: req.method, path: originalPath(req.raw ?? req) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => originalPath(req) === '/isAlive' || originalPath(req).startsWith('/health/') },
  };
}

/** The request's logger (its id bound) while a request is being handled. */
const requestLogger = new AsyncLocalStorage<Pino>();

/** The access log: pino-http, writing one line per request when its answer is sent. */
export const ACCESS_LOG = Symbol('ACCESS_LOG');

/**
 * Nest's logger on pino: Nest's and our `Logger` lines go to the same destination as the
 * access log, and carry the request id when written during a request. (Replaces
 * nestjs-pino, whose releases for Nest 12 require Node 22.)
 */
@Injectable()
export class AppLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest passes the logger's context (class name) last. An object first argument is
   * merged into the line (`{ err }`), an Error becomes `err`, and Nest's exception
   * handlers' (message, stack) pair becomes one error with that stack.
   */
  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]): void {
    const logger = requestLogger.getStore() ?? this.root;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      if (params[params.length - 1] !== undefined) fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      logger[level](fields, ...(rest as [string?]));
    } else if (level === 'error' && typeof message === 'string' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      const err = new Error(message);
      err.stack = rest[0];
      logger[level]({ ...fields, err });
    } else {
      logger[level](fields, String(message), ...(rest as []));
    }
  }
}

/** The access log and the application logger, sharing one pino instance. `stream` replaces stdout. */
@Global()
@Module({})
export class AppLoggerModule {
  static forRoot(config: AppConfig, stream?: NodeJS.WritableStream): DynamicModule {
    const accessLog = stream ? pinoHttp(loggerOptions(config), stream) : pinoHttp(loggerOptions(config));
    return {
      module: AppLoggerModule,
      providers: [
        { provide: ACCESS_LOG, useValue: accessLog },
        { provide: AppLogger, useValue: new AppLogger(accessLog.logger) },
      ],
      exports: [ACCESS_LOG, AppLogger],
    };
  }
}

interface RawPair {
  raw: IncomingMessage;
}

/**
 * Runs the access log on every request (Fastify onRequest hook on the raw request and
 * response) and binds the request's logger for the rest of its handling.
 */
export function accessLogHook(accessLog: HttpLogger) {
  return (request: RawPair, reply: { raw: ServerResponse }, done: () => void): void => {
    accessLog(request.raw, reply.raw);
    const logger = (request.raw as IncomingMessage & { log?: Pino }).log;
    if (logger) requestLogger.run(logger, done);
    else done();
  };
}
