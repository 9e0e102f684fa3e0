import type { LogCreateFailure } from './kit.js';

/**
 * The answer each kit failure gets from a fake whose failNext takes { status, headers,
 * body?, method, path, afterProcessing } (the Pipedrive, Clio, Bullhorn and Freshdesk fakes).
 */
export function cannedFailure(failure: LogCreateFailure, method: string, path: RegExp) {
  switch (failure) {
    case 'rateLimit':
      return { status: 429, headers: { 'retry-after': '1' }, method, path };
    case 'serverError':
      return { status: 503, method, path };
    case 'answerLost':
      return { status: 504, method, path, afterProcessing: true };
  }
}
