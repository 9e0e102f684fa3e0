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

  it('keeps a write after a 429, which the CRM did not carry out', () => {
    expect(classifyFailure(crm(429), 'worker')).toMatchObject({ kind: 'retry', mayHaveLanded: false, rateLimited: true });
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
  it('doubles from the base per attempt, with jitter within ±20 %', () => {
    expect(retryDelayMs(1, 1000, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, 1000, () => 0.5)).toBe(2000);
    expect(retryDelayMs(4, 1000, () => 0.5)).toBe(8000);
    expect(retryDelayMs(1, 1000, () => 0)).toBe(800);
    expect(retryDelayMs(1, 1000, () => 1)).toBe(1200);
  });

  it('never waits more than the cap (30 s by default) plus jitter, so a backlog goes out within a minute', () => {
    expect(retryDelayMs(40, 5000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(40, 5000, () => 1)).toBe(36_000);
    expect(retryDelayMs(40, 100, () => 0.5, 2000)).toBe(2000);
  });
});
