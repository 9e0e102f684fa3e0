import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppErrorCode, AppException } from './app.exception.js';
import { requestIdOf } from './request-context.js';
import { danger, ReturnMessage } from './return-message.js';

interface ErrorBody {
  successful: false;
  error: string;
  /** Our AppErrorCode, for clients that act on the kind of failure (CRM_SESSION_REVOKED). */
  errorCode?: string;
  message: string;
  /** Also in the x-request-id header and the access log line, so a report can be matched. */
  requestId?: string;
  fields?: string[];
  errorId?: string;
  returnMessage: ReturnMessage;
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * Turns every error into the App Connect envelope. Expected failures keep their
 * meaning (400 naming the field, 401 for a bad session, 200 + successful:false for a
 * CRM refusal, as the extension expects); anything else is a 500 with an error id
 * that is logged, so a user can quote it.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(AppExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<ReplyLike>();
    const requestId = requestIdOf(http.getRequest<object>());
    const [status, body] = this.toResponse(exception, requestId);
    body.requestId = requestId;
    // A route that answers text (@Header('Content-Type', ...)) has set its type already;
    // the error envelope is JSON whatever the route would have answered.
    reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown, requestId: string): [number, ErrorBody] {
    if (exception instanceof AppException) return this.fromAppException(exception);
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const errorId = randomUUID();
    this.logger.error(
      { errorId, requestId, err: loggableError(exception) },
      `Unhandled error ${errorId}: ${exception instanceof Error ? exception.message : String(exception)}`,
    );
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      {
        successful: false,
        error: 'Internal Server Error',
        message: `Internal error; quote ${errorId} when reporting it.`,
        errorId,
        returnMessage: danger(`Something went wrong on the server (error id ${errorId}).`),
      },
    ];
  }

  private fromAppException(exception: AppException): [number, ErrorBody] {
    const body = (error: string): ErrorBody => ({
      successful: false,
      error,
      errorCode: exception.code,
      message: exception.message,
      ...(exception.details.fields?.length ? { fields: exception.details.fields } : {}),
      returnMessage: danger(exception.message),
    });
    switch (exception.code) {
      case AppErrorCode.InvalidRequest:
      case AppErrorCode.UnsupportedPlatform:
      case AppErrorCode.CrmLoginRejected:
        return [HttpStatus.BAD_REQUEST, body('Bad Request')];
      case AppErrorCode.UnsupportedMediaType:
        return [HttpStatus.UNSUPPORTED_MEDIA_TYPE, body('Unsupported Media Type')];
      case AppErrorCode.SessionInvalid:
      case AppErrorCode.CrmAuthorizationFailed:
        return [HttpStatus.UNAUTHORIZED, body('Unauthorized')];
      case AppErrorCode.Forbidden:
        return [HttpStatus.FORBIDDEN, body('Forbidden')];
      case AppErrorCode.UpstreamUnavailable:
        return [HttpStatus.BAD_GATEWAY, body('Bad Gateway')];
      case AppErrorCode.CrmRequestFailed:
        // The request was fine; the CRM refused it. App Connect reports that as a
        // business failure in a 200 envelope so the extension shows the CRM's reason.
        return [HttpStatus.OK, body('CRM request failed')];
      default: {
        const unreachable: never = exception.code;
        throw new Error(`Unmapped error code ${String(unreachable)}`);
      }
    }
  }

  private fromHttpException(exception: HttpException): [number, ErrorBody] {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: unknown }).message
        : exception.message;
    const messages = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    let message = messages.join('; ');
    // Nest's "Cannot GET /path?query" would echo a ?jwtToken= or phone number back.
    if (status === HttpStatus.NOT_FOUND && message.startsWith('Cannot ')) message = message.replace(/\?.*$/, '');
    if (status >= 500) {
      this.logger.error({ err: loggableError(exception) }, `HTTP ${status}: ${message}`);
    }
    const fields = bodyFieldsOf(status, exception.cause);
    return [
      status,
      {
        successful: false,
        error: HttpStatus[status]?.toString() ?? 'Error',
        message,
        ...(fields ? { fields } : {}),
        returnMessage: danger(message),
      },
    ];
  }
}

/** Fastify refuses some bodies before any validator sees them; those errors still name what is wrong. */
function bodyFieldsOf(status: number, cause: unknown): string[] | undefined {
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return ['body'];
  if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) return ['Content-Type'];
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (status === HttpStatus.BAD_REQUEST && typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) return ['body'];
  return undefined;
}

/**
 * What of an error is logged: its kind, message, code and stack. Never its other fields:
 * a database error carries the statement's parameters (tokens, phone numbers, message
 * text), and a driver error the offending values in its detail.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: error.stack,
  };
}
