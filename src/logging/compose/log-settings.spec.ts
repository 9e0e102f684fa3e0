import { resolveLogOptions } from './log-settings.js';

describe('resolveLogOptions', () => {
  it("gives App Connect's defaults without settings", () => {
    for (const settings of [undefined, {}]) {
      expect(resolveLogOptions(settings)).toEqual({
        callLog: {
          note: true,
          subject: true,
          contactNumber: false,
          dateTime: true,
          duration: true,
          result: true,
          recording: true,
          aiNote: true,
          transcript: true,
          legs: true,
          sessionId: false,
          ringCentralUserName: false,
          ringCentralNumber: false,
          ringSenseTranscript: true,
          ringSenseSummary: true,
          ringSenseAIScore: true,
          ringSenseBulletedSummary: true,
          ringSenseLink: true,
          dateFormat: 'YYYY-MM-DD hh:mm:ss A',
        },
        messageLog: { entryTimeFormat: 'hh:mm A', threadTimeFormat: 'YYYY-MM-DD hh:mm A', senderName: 'ringcentral' },
      });
    }
  });

  it.each([
    ['addCallLogNote', 'note'],
    ['addCallLogSubject', 'subject'],
    ['addCallLogContactNumber', 'contactNumber'],
    ['addCallLogDateTime', 'dateTime'],
    ['addCallLogDuration', 'duration'],
    ['addCallLogResult', 'result'],
    ['addCallLogRecording', 'recording'],
    ['addCallLogAiNote', 'aiNote'],
    ['addCallLogTranscript', 'transcript'],
    ['addCallLogLegs', 'legs'],
    ['addCallSessionId', 'sessionId'],
    ['addRingCentralUserName', 'ringCentralUserName'],
    ['addRingCentralNumber', 'ringCentralNumber'],
    ['addCallLogRingSenseRecordingTranscript', 'ringSenseTranscript'],
    ['addCallLogRingSenseRecordingSummary', 'ringSenseSummary'],
    ['addCallLogRingSenseRecordingAIScore', 'ringSenseAIScore'],
    ['addCallLogRingSenseRecordingBulletedSummary', 'ringSenseBulletedSummary'],
    ['addCallLogRingSenseRecordingLink', 'ringSenseLink'],
  ] as const)('reads %s into callLog.%s, and only that option', (key, option) => {
    const defaults = resolveLogOptions({}).callLog;
    for (const value of [true, false]) {
      expect(resolveLogOptions({ [key]: { value } }).callLog).toEqual({ ...defaults, [option]: value });
    }
  });

  it('reads toggles sent as the strings "true" and "false", and ignores any other value', () => {
    expect(resolveLogOptions({ addCallLogNote: { value: 'false' } }).callLog.note).toBe(false);
    expect(resolveLogOptions({ addCallSessionId: { value: 'true' } }).callLog.sessionId).toBe(true);
    for (const value of [null, 0, 1, 'no', {}, undefined]) {
      expect(resolveLogOptions({ addCallLogNote: { value } }).callLog.note).toBe(true);
      expect(resolveLogOptions({ addCallSessionId: { value } }).callLog.sessionId).toBe(false);
    }
  });

  it('applies a chosen logDateFormat to call logs and message entries alike', () => {
    const options = resolveLogOptions({ logDateFormat: { value: ' DD.MM.YYYY HH:mm ' } });
    expect(options.callLog.dateFormat).toBe('DD.MM.YYYY HH:mm');
    expect(options.messageLog).toMatchObject({ entryTimeFormat: 'DD.MM.YYYY HH:mm', threadTimeFormat: 'DD.MM.YYYY HH:mm' });
  });

  it.each([[''], ['   '], [42], [null], ['Y'.repeat(65)]])('falls back to the defaults for an unusable logDateFormat %j', (value) => {
    const options = resolveLogOptions({ logDateFormat: { value } });
    expect(options.callLog.dateFormat).toBe('YYYY-MM-DD hh:mm:ss A');
    expect(options.messageLog.entryTimeFormat).toBe('hh:mm A');
  });

  it("signs the user's messages with the CRM name only when the RingCentral user name is explicitly off", () => {
    expect(resolveLogOptions({ addRingCentralUserName: { value: false } }).messageLog.senderName).toBe('crm');
    expect(resolveLogOptions({ addRingCentralUserName: { value: true } }).messageLog.senderName).toBe('ringcentral');
    expect(resolveLogOptions({}).messageLog.senderName).toBe('ringcentral');
  });

  it('ignores settings it does not know', () => {
    expect(resolveLogOptions({ somethingElse: { value: false }, addCallLogNote: { customizable: true } })).toEqual(resolveLogOptions({}));
  });
});
