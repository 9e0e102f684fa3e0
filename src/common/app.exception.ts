export enum AppErrorCode {
  /** The request is malformed; `fields` names what is wrong. */
  InvalidRequest = 'INVALID_REQUEST',
  /** The body's content type or content encoding is not one the server reads. */
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  UnsupportedPlatform = 'UNSUPPORTED_PLATFORM',
  /** No session, or the session JWT is bad, expired or revoked. */
  SessionInvalid = 'SESSION_INVALID',
  /**
   * The session's CRM authorization is gone: the CRM refused the stored credentials and
   * they could not be refreshed, the refresh itself was refused, or the user logged out.
   * The extension reads this code and asks the user to connect again.
   */
  CrmAuthorizationFailed = 'CRM_SESSION_REVOKED',
  /** The CRM answered with an error, or could not be reached. */
  CrmRequestFailed = 'CRM_REQUEST_FAILED',
  /** The CRM rejected a login attempt (bad API key, wrong hostname...). */
  CrmLoginRejected = 'CRM_LOGIN_REJECTED',
  /** The caller is known but may not do this (a RingCentral user who is not an admin). */
  Forbidden = 'FORBIDDEN',
  /** A service other than the CRM that the request needs (RingCentral) failed or did not answer. */
  UpstreamUnavailable = 'UPSTREAM_UNAVAILABLE',
}

/**
 * The one exception type services and connectors throw for expected failures.
 * The global filter maps each code to an HTTP status and the App Connect envelope,
 * so nothing classifies errors by their message text.
 */
export class AppException extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** retryAfterMs: the wait the CRM asked for (Retry-After or its rate-limit reset), when it said. */
    readonly details: {
      fields?: string[];
      status?: number;
      platform?: string;
      retryAfterMs?: number;
      /** The request never reached the CRM (connection refused, no such host): nothing can have landed. */
      notSent?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'AppException';
  }

  static invalidRequest(message: string, fields: string[] = []): AppException {
    return new AppException(AppErrorCode.InvalidRequest, message, { fields });
  }

  static unsupportedMediaType(message: string, fields: string[]): AppException {
    return new AppException(AppErrorCode.UnsupportedMediaType, message, { fields });
  }

  static sessionInvalid(message: string): AppException {
    return new AppException(AppErrorCode.SessionInvalid, message);
  }

  /** `message` is the CRM's own reason, shown to the user. */
  static crmRequestFailed(platform: string, message: string, status?: number, retryAfterMs?: number): AppException {
    return new AppException(AppErrorCode.CrmRequestFailed, message, {
      platform,
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  /** The CRM could not be reached at all, so it cannot have carried anything out (HTTP 502 to us). */
  static crmUnreachable(platform: string, message: string): AppException {
    return new AppException(AppErrorCode.CrmRequestFailed, message, { platform, status: 502, notSent: true });
  }

  static crmAuthorizationFailed(platform: string, message: string): AppException {
    return new AppException(AppErrorCode.CrmAuthorizationFailed, message, { platform, status: 401 });
  }

  static forbidden(message: string): AppException {
    return new AppException(AppErrorCode.Forbidden, message);
  }

  static upstreamUnavailable(message: string): AppException {
    return new AppException(AppErrorCode.UpstreamUnavailable, message);
  }
}
