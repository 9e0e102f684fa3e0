import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { PassThrough, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppException } from '../app.exception.js';
import { JsonBodyError, parseJsonBody } from './json-body.parser.js';

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

const mediaType = (request: FastifyRequest): string =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

const encodingOf = (request: FastifyRequest): string =>
  String(request.headers['content-encoding'] ?? '').trim().toLowerCase();

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Bodies are JSON, read losslessly, or refused: a body of another (or no) content type
 * is a 415 instead of being ignored and reported as missing fields, an unknown content
 * encoding is a 415 instead of being read as if plain, and a compressed body that does
 * not decompress is a 400. The body limit applies to the decompressed size.
 */
export function registerRequestBodyHandling(app: NestFastifyApplication): void {
  // Registered through Nest so that it replaces, rather than races, Nest's own JSON parser,
  // and for the exact type too: Fastify prefers its built-in string parser to any RegExp.
  app.useBodyParser(['application/json', JSON_TYPE] as unknown as string[], {}, (_request, body, done) => {
    // An empty body under a JSON content type (clients posting nothing) is no body, not bad JSON;
    // a route that needs one still names its missing fields.
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, parseJsonBody(body.toString('utf8')));
    } catch (error) {
      if (!(error instanceof JsonBodyError)) throw error;
      done(AppException.invalidRequest(error.message, [error.field]), undefined);
    }
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify has no parser to pick for a body without a content type and lets it through unread.
  fastify.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || !hasBody(request)) return;
    const type = mediaType(request);
    if (!JSON_TYPE.test(type)) {
      throw AppException.unsupportedMediaType(
        type ? `Content-Type ${type} is not accepted; send application/json.` : 'Content-Type is missing; send application/json.',
        ['Content-Type'],
      );
    }
    const encoding = encodingOf(request);
    if (encoding && encoding !== 'identity' && !(encoding in DECODERS)) {
      throw AppException.unsupportedMediaType(
        `Content-Encoding ${encoding} is not accepted; send gzip, deflate, br or none.`,
        ['Content-Encoding'],
      );
    }
  });
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = encodingOf(request);
    const decoder = DECODERS[encoding];
    return decoder ? decoded(payload, decoder(), encoding) : payload;
  });
}

/** The decompressed body; Fastify checks its limit against both sizes, so it is told the encoded one. */
function decoded(payload: Readable, decoder: NodeJS.ReadWriteStream, encoding: string): Readable {
  const out = new PassThrough() as PassThrough & { receivedEncodedLength?: number };
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength! += chunk.length;
  });
  // pipe() rather than pipeline(): pipeline would fail `out` with zlib's own error, which
  // reads as a server fault; the client sent the bad data, so it gets a 400 naming the header.
  payload.pipe(decoder).pipe(out);
  decoder.on('error', () => {
    payload.unpipe(decoder);
    out.destroy(
      AppException.invalidRequest(`The body is not valid ${encoding} data (Content-Encoding: ${encoding}).`, ['Content-Encoding']),
    );
  });
  payload.on('error', (error) => out.destroy(error));
  return out;
}
