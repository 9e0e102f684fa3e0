import { createHash } from 'node:crypto';
import { hashRingCentralId } from './ring-central-id-hash.js';

describe('hashRingCentralId', () => {
  it('is hex sha256 of "<id>:<key>"', () => {
    const expected = createHash('sha256').update('12345:secret-key').digest('hex');
    expect(hashRingCentralId('12345', 'secret-key')).toBe(expected);
    expect(hashRingCentralId(12345, 'secret-key')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the key', () => {
    expect(hashRingCentralId('12345', 'one')).not.toBe(hashRingCentralId('12345', 'two'));
  });
});
