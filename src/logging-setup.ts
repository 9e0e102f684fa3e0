import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pino, type Logger as PinoLogger } from 'pino';
import { requestFacts } from './common/request-context.js';
import type { AppConfig } from './config/app-config.js';

/** The path without its query: queries carry phone numbers, names and legacy tokens. */
const pathOf = (url: string | undefined): string => (url ?? '').split('?')[0];

/** JSON lines in production; one readable line per entry in development. `stream` replaces stdout (tests). */
export function createRootLogger(config: AppConfig, stream?: NodeJS.WritableStream): PinoLogger {
  const options = {
    level: config.LOG_LEVEL,
    // Error objects as type, message and stack; anything else is logged as given.
    serializers: { err: pino.stdSerializers.err },
  };
  if (stream) return pino(options, stream);
  if (config.NODE_ENV === 'development') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,req,res' } },
    });
  }
  return pino(options);
}

/**
 * Nest's Logger writing through pino, so framework and service lines share the access
 * log's format and destination. Nest passes the context (the class name) last.
 */
export class AppLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const extra = context === undefined ? rest : rest.slice(0, -1);
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
      return;
    }
    // Our services log (fields, text); Nest's own error(message, stack, context) passes a stack.
    const text = typeof extra[0] === 'string' ? extra[0] : undefined;
    if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as object) }, text);
      return;
    }
    if (level === 'error' && text?.includes('\n    at ')) fields.stack = text;
    this.pino[level](fields, String(message));
  }
}

/** Probes are polled every few seconds; their lines would drown the rest. */
const UNLOGGED = (path: string) => path === '/isAlive' || path.startsWith('/health/');

/**
 * One access line per answered request: method, route template, status, duration, request
 * id, user and platform. Bodies, headers and queries are never logged: they carry tokens,
 * message text and phone numbers. Written from Fastify's onResponse hook rather than by an
 * HTTP middleware with a per-request child logger and async context, which cost several
 * per cent of the server's CPU for lines only this hook writes.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const path = pathOf(request.raw.url);
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!UNLOGGED(path) && logger.isLevelEnabled(level)) {
      const { route, userId, platform } = requestFacts(request);
      const durationMs = Math.round(reply.elapsedTime * 10) / 10;
      logger[level](
        {
          requestId: request.id,
          ...(route ? { route } : {}),
          ...(userId ? { userId, platform } : {}),
          req: { method: request.method, path },
          res: { statusCode: status },
          durationMs,
        },
        `${request.method} ${route ?? path} ${status} ${Math.round(durationMs)}ms`,
      );
    }
    done();
  });
}
