import { readFileSync } from 'node:fs';

/**
 * The server's version: package.json's, read once. Both src/manifest and dist/manifest
 * sit two levels below the package root, so one relative URL serves tests and builds.
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
