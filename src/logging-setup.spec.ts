import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { AppLogger } from './logging-setup.js';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const part of chunk.toString('utf8').split('\n')) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  return { logger: new AppLogger(pino({ level: 'debug', serializers: { err: pino.stdSerializers.err } }, stream)), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('AppLogger (Nest logger on pino)', () => {
  it('keeps the text, the fields and the context of each call shape', async () => {
    const { logger, lines } = capture();
    logger.log('Seeded 3 contacts', 'LocalCrmDemoSeeder');
    logger.error({ errorId: 'e-1', requestId: 'r-1' }, 'Unhandled error e-1: boom', 'AppExceptionFilter');
    logger.error('Nest failed', 'Error: x\n    at f (file.js:1:1)', 'ExceptionHandler');
    logger.warn(new Error('went wrong'), 'Worker');
    logger.debug('a line without a context');
    await flush();
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Seeded 3 contacts', context: 'LocalCrmDemoSeeder' });
    expect(lines[1]).toMatchObject({ level: 50, msg: 'Unhandled error e-1: boom', errorId: 'e-1', requestId: 'r-1', context: 'AppExceptionFilter' });
    expect(lines[2]).toMatchObject({ level: 50, msg: 'Nest failed', context: 'ExceptionHandler' });
    expect(String(lines[2]!.stack)).toContain('at f (file.js:1:1)');
    expect(lines[3]).toMatchObject({ level: 40, msg: 'went wrong', context: 'Worker', err: { type: 'Error', message: 'went wrong' } });
    expect(lines[4]).toMatchObject({ level: 20, msg: 'a line without a context' });
    expect(lines[4]).not.toHaveProperty('context');
  });
});
