import { AppErrorCode, AppException } from '../common/app.exception.js';
import { classifyFailure, retryDelayMs, UnreconcilableWriteError } from './write-failure.js';

const crm = (status?: number) => AppException.crmRequestFailed('pipedrive', 'Pipedrive says no', status);

describe('classifyFailure', () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [408, true],
  ])('keeps a write after HTTP %i, which may have landed', (status, landed) => {
    expect(classifyFailure(crm(status), 'request')).toEqual({
      kind: 'retry',
      mayHaveLanded: landed,
      unexpected: false,
      reason: 'Pipedrive says no',
    });
  });

  it('keeps a write whose request never reached the CRM, which cannot have landed', () => {
    expect(classifyFailure(AppException.crmUnreachable('pipedrive', 'Pipedrive could not be reached (ECONNREFUSED).'), 'worker')).toEqual({
      kind: 'retry',
      mayHaveLanded: false,
      unexpected: false,
      reason: 'Pipedrive could not be reached (ECONNREFUSED).',
    });
  });

  it('keeps a write after a 429, which the CRM did not carry out', () => {
    expect(classifyFailure(crm(429), 'worker')).toMatchObject({ kind: 'retry', mayHaveLanded: false, rateLimited: true });
  });

  it('passes on the wait the CRM asked for', () => {
    const limited = AppException.crmRequestFailed('pipedrive', 'Slow down', 429, 7_000);
    expect(classifyFailure(limited, 'worker')).toMatchObject({ kind: 'retry', rateLimited: true, retryAfterMs: 7_000 });
    const down = AppException.crmRequestFailed('pipedrive', 'Maintenance', 503, 20_000);
    expect(classifyFailure(down, 'worker')).toMatchObject({ kind: 'retry', mayHaveLanded: true, retryAfterMs: 20_000 });
    expect(classifyFailure(crm(503), 'worker')).not.toHaveProperty('retryAfterMs');
  });

  it.each([400, 403, 404, 422])('refuses for good after HTTP %i', (status) => {
    expect(classifyFailure(crm(status), 'worker')).toMatchObject({ kind: 'refused', mayHaveLanded: false, reason: 'Pipedrive says no' });
  });

  it('refuses a connector refusal without a status (a create answered without a log id)', () => {
    expect(classifyFailure(crm(), 'worker')).toMatchObject({ kind: 'refused' });
  });

  it('tells a user in a request to sign in again, but keeps a queued write for after the sign-in', () => {
    const expired = AppException.crmAuthorizationFailed('pipedrive', 'Please log in again.');
    expect(classifyFailure(expired, 'request')).toMatchObject({ kind: 'refused', mayHaveLanded: false });
    expect(classifyFailure(expired, 'worker')).toMatchObject({ kind: 'retry', mayHaveLanded: false });
    const loggedOut = new AppException(AppErrorCode.SessionInvalid, 'logged out');
    expect(classifyFailure(loggedOut, 'worker')).toMatchObject({ kind: 'retry', mayHaveLanded: false });
  });

  it('parks an unknown outcome that cannot be looked up', () => {
    expect(classifyFailure(new UnreconcilableWriteError('cannot check'), 'worker')).toEqual({
      kind: 'refused',
      mayHaveLanded: true,
      unexpected: false,
      reason: 'cannot check',
    });
  });

  it('keeps a write after our own failure, as possibly landed, and flags it as unexpected', () => {
    expect(classifyFailure(new Error('SQLITE_BUSY'), 'request')).toMatchObject({
      kind: 'retry',
      mayHaveLanded: true,
      unexpected: true,
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base per attempt, with a random wait in the upper half', () => {
    expect(retryDelayMs(1, 1000, 30_000, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(2, 1000, 30_000, undefined, () => 1)).toBe(2000);
    expect(retryDelayMs(4, 1000, 30_000, undefined, () => 1)).toBe(8000);
    expect(retryDelayMs(1, 1000, 30_000, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(4, 1000, 30_000, undefined, () => 0.5)).toBe(6000);
  });

  it('never waits more than the cap, so a CRM that comes back gets its backlog within a minute', () => {
    expect(retryDelayMs(40, 1000, 30_000, undefined, () => 1)).toBe(30_000);
    expect(retryDelayMs(1_000, 1000, 30_000, undefined, () => 1)).toBe(30_000);
    for (let attempts = 1; attempts < 60; attempts++) expect(retryDelayMs(attempts, 1000, 30_000)).toBeLessThanOrEqual(30_000);
  });

  it('waits at least what the CRM asked for in Retry-After, up to an hour', () => {
    expect(retryDelayMs(1, 1000, 30_000, 45_000, () => 1)).toBe(45_000);
    expect(retryDelayMs(5, 1000, 30_000, 200, () => 1)).toBe(16_000);
    expect(retryDelayMs(1, 1000, 30_000, 24 * 3_600_000, () => 1)).toBe(3_600_000);
  });
});
