import { randomUUID } from 'node:crypto';

/**
 * Facts about one request that the access log and the metrics read when it ends. They
 * live on the raw Node request, the one object that the router, the guard and the
 * logging middleware all see.
 */
export interface RequestFacts {
  /** The route template (/calldown/:id), never the concrete URL with its query. */
  route?: string;
  userId?: string;
  platform?: string;
}

const FACTS = Symbol('appConnectRequestFacts');
const REQUEST_ID = Symbol('appConnectRequestId');

interface RawRequest {
  headers: Record<string, string | string[] | undefined>;
  [FACTS]?: RequestFacts;
  [REQUEST_ID]?: string;
}

/** The object to annotate: Fastify's request wraps the raw one as `.raw`. */
const rawOf = (request: object): RawRequest => ((request as { raw?: object }).raw ?? request) as RawRequest;

export function annotateRequest(request: object, facts: RequestFacts): void {
  const raw = rawOf(request);
  raw[FACTS] = { ...raw[FACTS], ...facts };
}

export function requestFacts(request: object): RequestFacts {
  return rawOf(request)[FACTS] ?? {};
}

/** A caller's own request id is kept when it looks like one, so a trace can cross services. */
const CALLER_REQUEST_ID = /^[\w.:-]{8,64}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The request's id: the caller's x-request-id when sane, else a new UUID; stable per request. */
export function requestIdOf(request: object): string {
  const raw = rawOf(request);
  if (!raw[REQUEST_ID]) {
    const sent = raw.headers[REQUEST_ID_HEADER];
    raw[REQUEST_ID] = typeof sent === 'string' && CALLER_REQUEST_ID.test(sent) ? sent : randomUUID();
  }
  return raw[REQUEST_ID];
}
