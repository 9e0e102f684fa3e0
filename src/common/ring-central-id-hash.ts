import { createHash } from 'node:crypto';

/**
 * The one way this server hashes a RingCentral account or extension id: hex
 * sha256 of "<id>:<key>". The extension keeps these values (from /userInfoHash) and
 * sends them back, and server-side call logging sends raw ids that are hashed here,
 * so both views of one account or call meet on the same value.
 */
export function hashRingCentralId(id: string | number, hashKey: string): string {
  return createHash('sha256').update(`${String(id)}:${hashKey}`).digest('hex');
}
