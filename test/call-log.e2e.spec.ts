import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { AppException } from '../src/common/app.exception.js';
import { LocalCrmConnector } from '../src/connectors/local/local-crm.connector.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CallLogsRepository, STALE_CLAIM_MS } from '../src/persistence/repositories/call-logs.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The local CRM's owner id for an API key: the JWT user id without 'local-'. */
const ownerOf = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

const newSessionId = () => `s-${randomUUID()}`;

function callBody(sessionId: string, overrides: Record<string, unknown> = {}) {
  return {
    logInfo: {
      id: 'rc-call-1',
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
      recording: { link: 'https://example.com/recording/123' },
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: '1',
    contactName: 'Jane Smith',
    contactType: 'Contact',
    note: 'Discussed renewal options.',
    ...overrides,
  };
}

describe('call logging (e2e)', () => {
  let t: TestApp;
  let token: string;
  let store: LocalCrmStore;
  const owner = ownerOf('demo');

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login();
    store = t.get(LocalCrmStore);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const post = (body: object, jwt = token) => t.http.post('/callLog').set('Authorization', `Bearer ${jwt}`).send(body);
  const patch = (body: object) => t.http.patch('/callLog').set('Authorization', `Bearer ${token}`).send(body);
  const get = (query: string) => t.http.get(`/callLog?${query}`).set('Authorization', `Bearer ${token}`);
  const activitiesOf = async (sessionId: string, ownerId = owner) =>
    (await store.listActivities(ownerId, 'call')).filter((a) => a.details?.sessionId === sessionId);

  it('creates one CRM activity with the composed body and answers its log id', async () => {
    const sessionId = newSessionId();
    const response = await post(callBody(sessionId)).expect(200);
    expect(response.body).toMatchObject({
      successful: true,
      logId: expect.any(String),
      returnMessage: { messageType: 'success' },
    });
    const [activity, ...others] = await activitiesOf(sessionId);
    expect(others).toHaveLength(0);
    expect(String(activity.id)).toBe(response.body.logId);
    expect(activity.contactId).toBe('1');
    expect(activity.subject).toBe('Outbound call to Jane Smith');
    expect(activity.body).toBe(
      [
        'Agent notes:',
        'Discussed renewal options.',
        'Call details',
        'Summary: Outbound call to Jane Smith',
        'Contact: Jane Smith',
        'Date/Time: 2026-06-24 02:30:00 AM',
        'Duration: 2 minutes 5 seconds',
        'Result: Call connected',
        'Call recording: https://example.com/recording/123',
      ].join('\n'),
    );
  });

  it('uses customSubject when the client sends one', async () => {
    const sessionId = newSessionId();
    const body = callBody(sessionId);
    await post({ ...body, logInfo: { ...body.logInfo, customSubject: 'Renewal call' } }).expect(200);
    const [activity] = await activitiesOf(sessionId);
    expect(activity.subject).toBe('Renewal call');
    expect(activity.body).toContain('Summary: Renewal call');
  });

  it('refuses a second create for the same session and extension without calling the CRM', async () => {
    const sessionId = newSessionId();
    await post(callBody(sessionId)).expect(200);
    const spy = vi.spyOn(t.get(LocalCrmConnector), 'createCallLog');
    const again = await post(callBody(sessionId, { note: 'second try' })).expect(200);
    expect(again.body).toMatchObject({
      successful: false,
      returnMessage: { messageType: 'warning', message: `Existing log for session ${sessionId}` },
    });
    expect(spy).not.toHaveBeenCalled();
    expect(await activitiesOf(sessionId)).toHaveLength(1);
  });

  it('keys sessions by extension identity and by user', async () => {
    const sessionId = newSessionId();
    await post(callBody(sessionId)).expect(200);
    const otherExtension = await post(callBody(sessionId, { hashedExtensionId: 'hashed-ext-202' })).expect(200);
    expect(otherExtension.body.successful).toBe(true);
    const byNumber = await post(callBody(sessionId, { hashedExtensionId: undefined, extensionNumber: '303' })).expect(200);
    expect(byNumber.body.successful).toBe(true);
    expect(await activitiesOf(sessionId)).toHaveLength(3);

    const second = await t.login('local', 'second');
    const otherUser = await post(callBody(sessionId), second).expect(200);
    expect(otherUser.body.successful).toBe(true);
    expect(await activitiesOf(sessionId, ownerOf('second'))).toHaveLength(1);
  });

  it('answers a warning naming the number when there is no contact, and logs nothing', async () => {
    const sessionId = newSessionId();
    const spy = vi.spyOn(t.get(LocalCrmConnector), 'createCallLog');
    const response = await post(callBody(sessionId, { contactId: undefined, contactName: undefined })).expect(200);
    expect(response.body.successful).toBe(false);
    expect(response.body.returnMessage).toMatchObject({ messageType: 'warning' });
    expect(response.body.returnMessage.message).toContain('+14155550100');
    expect(spy).not.toHaveBeenCalled();
    expect(await activitiesOf(sessionId)).toHaveLength(0);
    // Nothing was claimed: once a contact is chosen the call can be logged.
    expect((await post(callBody(sessionId)).expect(200)).body.successful).toBe(true);
  });

  it('passes unknown RingCentral fields, ISO start time and extras through to the connector', async () => {
    const sessionId = newSessionId();
    const spy = vi.spyOn(t.get(LocalCrmConnector), 'createCallLog');
    const body = callBody(sessionId, { additionalSubmission: { followUp: true }, aiNote: 'AI says hi' });
    await post({
      ...body,
      logInfo: {
        ...body.logInfo,
        startTime: Date.UTC(2026, 5, 24, 2, 30),
        billing: { costIncluded: 0.1 },
        from: { ...body.logInfo.from, device: { id: 'd1' } },
      },
    }).expect(200);
    expect(spy).toHaveBeenCalledTimes(1);
    const params = spy.mock.calls[0][0];
    expect(params.callLog).toMatchObject({
      sessionId,
      startTime: '2026-06-24T02:30:00.000Z',
      billing: { costIncluded: 0.1 },
      from: { device: { id: 'd1' } },
    });
    expect(params).toMatchObject({
      subject: 'Outbound call to Jane Smith',
      contactInfo: { id: '1', name: 'Jane Smith', type: 'Contact', phoneNumber: '+14155550100' },
      note: 'Discussed renewal options.',
      aiNote: 'AI says hi',
      additionalSubmission: { followUp: true },
    });
    expect(params.composedLogDetails).toContain('AI note:\nAI says hi');
  });

  it('gives the claim back when the CRM fails, so a retry logs the call once', async () => {
    const sessionId = newSessionId();
    const connector = t.get(LocalCrmConnector);
    vi.spyOn(connector, 'createCallLog').mockRejectedValueOnce(AppException.crmRequestFailed('local', 'CRM is down'));
    const failed = await post(callBody(sessionId)).expect(200);
    expect(failed.body).toMatchObject({ successful: false, returnMessage: { messageType: 'danger', message: 'CRM is down' } });
    expect(await t.get(CallLogsRepository).findBySession({ userId: `local-${owner}`, sessionId, extensionKey: 'hashed-ext-101' })).toBeNull();

    // A CRM that answers without a log id has not logged anything.
    vi.spyOn(connector, 'createCallLog').mockResolvedValueOnce({} as never);
    const noLogId = await post(callBody(sessionId)).expect(200);
    expect(noLogId.body.successful).toBe(false);
    vi.restoreAllMocks();

    const retry = await post(callBody(sessionId)).expect(200);
    expect(retry.body.successful).toBe(true);
    expect(await activitiesOf(sessionId)).toHaveLength(1);
  });

  it('treats a fresh claim as in progress and takes over one left behind by a dead create', async () => {
    const repository = t.get(CallLogsRepository);
    const key = (sessionId: string) => ({ userId: `local-${owner}`, sessionId, extensionKey: 'hashed-ext-101' });

    const inFlight = newSessionId();
    await repository.claim(key(inFlight), '1');
    const blocked = await post(callBody(inFlight)).expect(200);
    expect(blocked.body.returnMessage.message).toBe(`Existing log for session ${inFlight}`);
    const pendingPatch = await patch({ sessionId: inFlight, hashedExtensionId: 'hashed-ext-101', note: 'x' }).expect(200);
    expect(pendingPatch.body).toMatchObject({ successful: false });
    expect(pendingPatch.body.returnMessage.message).toMatch(/still being logged/);
    expect((await get(`sessionIds=${inFlight}&hashedExtensionId=hashed-ext-101`)).body.logs).toEqual([
      { sessionId: inFlight, matched: false },
    ]);

    const abandoned = newSessionId();
    await repository.claim(key(abandoned), '1', Date.now() - STALE_CLAIM_MS - 1000);
    const takenOver = await post(callBody(abandoned)).expect(200);
    expect(takenOver.body.successful).toBe(true);
    expect(await activitiesOf(abandoned)).toHaveLength(1);
  });

  it('logs exactly one activity for 10 parallel creates of one session', async () => {
    const sessionId = newSessionId();
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(callBody(sessionId))));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((r) => r.body.successful)).toHaveLength(1);
    expect(responses.filter((r) => r.body.returnMessage?.message === `Existing log for session ${sessionId}`)).toHaveLength(9);
    expect(await activitiesOf(sessionId)).toHaveLength(1);
  });

  it('looks up matched and unmatched sessions, with the CRM view on request', async () => {
    const logged = newSessionId();
    const created = await post(callBody(logged)).expect(200);
    const unknown = newSessionId();

    const plain = await get(`sessionIds=${logged},${unknown}&hashedExtensionId=hashed-ext-101`).expect(200);
    expect(plain.body).toEqual({
      successful: true,
      logs: [
        { sessionId: logged, matched: true, logId: created.body.logId },
        { sessionId: unknown, matched: false },
      ],
    });

    const otherExtension = await get(`sessionIds=${logged}&hashedExtensionId=hashed-ext-999`).expect(200);
    expect(otherExtension.body.logs).toEqual([{ sessionId: logged, matched: false }]);

    const detailed = await get(`sessionIds=${logged}&hashedExtensionId=hashed-ext-101&requireDetails=true`).expect(200);
    const [activity] = await activitiesOf(logged);
    expect(detailed.body.logs[0]).toMatchObject({
      sessionId: logged,
      matched: true,
      logId: created.body.logId,
      logData: { subject: 'Outbound call to Jane Smith', fullBody: activity.body, note: 'Discussed renewal options.' },
    });
  });

  it('processes only the first five session ids', async () => {
    const ids = Array.from({ length: 7 }, newSessionId);
    const response = await get(`sessionIds=${ids.join(',')}`).expect(200);
    expect(response.body.logs.map((log: { sessionId: string }) => log.sessionId)).toEqual(ids.slice(0, 5));
  });

  it('patches the note and duration, re-renders the body and keeps the rest', async () => {
    const sessionId = newSessionId();
    const created = await post(
      callBody(sessionId, { aiNote: 'Wants a quote', additionalSubmission: { followUp: true } }),
    ).expect(200);
    const response = await patch({
      sessionId,
      hashedExtensionId: 'hashed-ext-101',
      note: 'Sent the quote.',
      duration: 3725,
    }).expect(200);
    expect(response.body).toMatchObject({
      successful: true,
      logId: created.body.logId,
      updatedNote: 'Sent the quote.',
      returnMessage: { messageType: 'success' },
    });
    const [activity, ...others] = await activitiesOf(sessionId);
    expect(others).toHaveLength(0);
    expect(activity.subject).toBe('Outbound call to Jane Smith');
    expect(activity.body).toBe(
      [
        'Agent notes:',
        'Sent the quote.',
        'Call details',
        'Summary: Outbound call to Jane Smith',
        'Contact: Jane Smith',
        'Date/Time: 2026-06-24 02:30:00 AM',
        'Duration: 1 hour 2 minutes 5 seconds',
        'Result: Call connected',
        'Call recording: https://example.com/recording/123',
        'AI note:',
        'Wants a quote',
      ].join('\n'),
    );
    expect(activity.details).toMatchObject({ duration: 3725, note: 'Sent the quote.', additionalSubmission: { followUp: true } });

    // A second patch builds on the first, not on the original.
    await patch({ sessionId, hashedExtensionId: 'hashed-ext-101', result: 'Voicemail' }).expect(200);
    const [again] = await activitiesOf(sessionId);
    expect(again.body).toContain('Sent the quote.');
    expect(again.body).toContain('Duration: 1 hour 2 minutes 5 seconds');
    expect(again.body).toContain('Result: Voicemail');
  });

  it('completes a pending call through PATCH', async () => {
    const sessionId = newSessionId();
    const body = callBody(sessionId);
    await post({ ...body, logInfo: { ...body.logInfo, duration: 'pending' } }).expect(200);
    expect((await activitiesOf(sessionId))[0].body).toContain('Duration: In progress');
    await patch({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 61 }).expect(200);
    expect((await activitiesOf(sessionId))[0].body).toContain('Duration: 1 minute 1 second');
  });

  it('answers successful:false for an unknown session and writes nothing', async () => {
    const spy = vi.spyOn(t.get(LocalCrmConnector), 'updateCallLog');
    const sessionId = newSessionId();
    const response = await patch({ sessionId, note: 'x' }).expect(200);
    expect(response.body).toMatchObject({ successful: false, returnMessage: { messageType: 'warning' } });
    expect(response.body.returnMessage.message).toContain(sessionId);
    expect(spy).not.toHaveBeenCalled();

    // Known session, other extension: still unknown.
    const logged = newSessionId();
    await post(callBody(logged)).expect(200);
    const before = await activitiesOf(logged);
    const wrongExtension = await patch({ sessionId: logged, hashedExtensionId: 'hashed-ext-999', note: 'x' }).expect(200);
    expect(wrongExtension.body.successful).toBe(false);
    expect(await activitiesOf(logged)).toEqual(before);
  });

  it('keeps the stored structure unchanged when the CRM refuses an update', async () => {
    const sessionId = newSessionId();
    await post(callBody(sessionId)).expect(200);
    vi.spyOn(t.get(LocalCrmConnector), 'updateCallLog').mockRejectedValueOnce(
      AppException.crmRequestFailed('local', 'Activity is locked'),
    );
    const refused = await patch({ sessionId, hashedExtensionId: 'hashed-ext-101', note: 'lost' }).expect(200);
    expect(refused.body).toMatchObject({ successful: false, returnMessage: { message: 'Activity is locked' } });
    await patch({ sessionId, hashedExtensionId: 'hashed-ext-101', duration: 5 }).expect(200);
    const [activity] = await activitiesOf(sessionId);
    expect(activity.body).not.toContain('lost');
    expect(activity.body).toContain('Discussed renewal options.');
  });

  describe('validation', () => {
    it.each([
      ['a missing logInfo.sessionId', { logInfo: { direction: 'Inbound' } }, 'logInfo.sessionId'],
      ['a missing logInfo', { contactId: '1' }, 'logInfo'],
      ['a bad direction', { logInfo: { sessionId: 'a', direction: 'Sideways' } }, 'logInfo.direction'],
      ['a bad startTime', { logInfo: { sessionId: 'a', startTime: 'yesterday' } }, 'logInfo.startTime'],
      ['a negative epoch startTime', { logInfo: { sessionId: 'a', startTime: -5 } }, 'logInfo.startTime'],
      ['a bad duration', { logInfo: { sessionId: 'a', duration: 'soon' } }, 'logInfo.duration'],
      ['a fractional duration', { logInfo: { sessionId: 'a', duration: 1.5 } }, 'logInfo.duration'],
      ['a non-string party number', { logInfo: { sessionId: 'a', from: { phoneNumber: 5 } } }, 'logInfo.from.phoneNumber'],
      ['a bad leg', { logInfo: { sessionId: 'a', legs: [{ duration: 'x' }] } }, 'logInfo.legs.0.duration'],
      ['a non-string note', { logInfo: { sessionId: 'a' }, contactId: '1', note: 42 }, 'note'],
    ])('POST answers 400 naming the field for %s', async (_case, body, field) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.body.fields).toContain(field);
      expect(response.body.message).toContain(field);
    });

    it('PATCH answers 400 naming the field', async () => {
      const missing = await patch({ note: 'x' });
      expect(missing.status).toBe(400);
      expect(missing.body.fields).toContain('sessionId');
      const duration = await patch({ sessionId: 'a', duration: 'pending' });
      expect(duration.status).toBe(400);
      expect(duration.body.fields).toContain('duration');
    });

    it('GET answers 400 naming sessionIds', async () => {
      for (const query of ['', 'sessionIds=', 'sessionIds=,,']) {
        const response = await get(query);
        expect(response.status).toBe(400);
        expect(response.body.fields).toContain('sessionIds');
      }
      const details = await get('sessionIds=a&requireDetails=maybe');
      expect(details.status).toBe(400);
      expect(details.body.fields).toContain('requireDetails');
    });

    it('documents the three routes in the OpenAPI document', async () => {
      const response = await t.http.get('/docs-json').expect(200);
      expect(Object.keys(response.body.paths['/callLog']).sort()).toEqual(['get', 'patch', 'post']);
      expect(response.body.components.schemas.RcCallLogRecordDto.required).toContain('sessionId');
    });

    it('answers 401 without a session', async () => {
      expect((await t.http.post('/callLog').send(callBody('x'))).status).toBe(401);
      expect((await t.http.get('/callLog?sessionIds=x')).status).toBe(401);
      expect((await t.http.patch('/callLog').send({ sessionId: 'x' })).status).toBe(401);
    });
  });
});

describe('call logging bodies per format (e2e)', () => {
  const hostile = {
    note: '<script>alert("x")</script> & more',
    contactName: 'Jane <b>Smith</b>',
    aiNote: '**not bold** [link](javascript:alert(1))',
  };

  describe.each([
    [
      'text/plain',
      [
        'Agent notes:\n<script>alert("x")</script> & more',
        'Summary: Outbound call to Jane <b>Smith</b>',
        'Date/Time: 2026-06-25 08:30:00 AM',
        'Call recording: https://example.com/recording/123',
      ],
      [],
    ],
    [
      'text/html',
      [
        '<p><b>Agent notes</b>:<br>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>',
        '<p><b>Summary</b>: Outbound call to Jane &lt;b&gt;Smith&lt;/b&gt;</p>',
        '<p><b>Date/Time</b>: 2026-06-25 08:30:00 AM</p>',
        '<a href="https://example.com/recording/123">',
      ],
      ['<script>', '<b>Smith</b>'],
    ],
    [
      'text/markdown',
      [
        '**Summary**: Outbound call to Jane \\<b\\>Smith\\</b\\>',
        '\\*\\*not bold\\*\\* \\[link\\]\\(javascript:alert\\(1\\)\\)',
        '**Date/Time**: 2026\\-06\\-25 08:30:00 AM',
        '(https://example.com/recording/123)',
      ],
      ['<script>', '**not bold**'],
    ],
  ])('%s', (format, expected, forbidden) => {
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      t = await createTestApp({ env: { LOCAL_CRM_LOG_FORMAT: format } });
      token = await t.login('local', 'demo', { additionalInfo: { timezone: '+09:00' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('writes the body in the format, in the user timezone, with user strings escaped', async () => {
      const sessionId = newSessionId();
      const body = callBody(sessionId, hostile);
      const response = await t.http
        .post('/callLog')
        .set('Authorization', `Bearer ${token}`)
        .send({ ...body, logInfo: { ...body.logInfo, startTime: '2026-06-24T23:30:00.000Z' } })
        .expect(200);
      expect(response.body.successful).toBe(true);
      const [activity] = await t.get(LocalCrmStore).listActivities(ownerOf('demo'), 'call');
      for (const fragment of expected) expect(activity.body).toContain(fragment);
      for (const fragment of forbidden) expect(activity.body).not.toContain(fragment);

      // The update re-renders in the same format, escaping the new note too.
      await t.http
        .patch('/callLog')
        .set('Authorization', `Bearer ${token}`)
        .send({ sessionId, hashedExtensionId: 'hashed-ext-101', note: '<i>updated</i>' })
        .expect(200);
      const [updated] = await t.get(LocalCrmStore).listActivities(ownerOf('demo'), 'call');
      if (format === 'text/plain') expect(updated.body).toContain('<i>updated</i>');
      else expect(updated.body).not.toContain('<i>');
      expect(updated.body).toContain(expected[expected.length - 1]);
    });
  });
});

describe('call logging across two server instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ database: a.database });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('logs exactly one activity when both instances create the same session at once', async () => {
    const [tokenA, tokenB] = [await a.login(), await b.login()];
    const sessionId = newSessionId();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? b : a).http
          .post('/callLog')
          .set('Authorization', `Bearer ${i % 2 ? tokenB : tokenA}`)
          .send(callBody(sessionId)),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((r) => r.body.successful)).toHaveLength(1);
    const activities = (await a.get(LocalCrmStore).listActivities(ownerOf('demo'), 'call')).filter(
      (activity) => activity.details?.sessionId === sessionId,
    );
    expect(activities).toHaveLength(1);
  });

  it('lets the unique index pick a single winner among claims from both instances', async () => {
    const key = { userId: 'local-x', sessionId: newSessionId(), extensionKey: 'e' };
    const repositories = [a.get(CallLogsRepository), b.get(CallLogsRepository)];
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => repositories[i % 2].claim(key, '1')));
    expect(claims.filter((claim) => claim !== null)).toHaveLength(1);

    // A released claim can be taken again; a completed one cannot be released.
    const [winner] = claims.filter((claim) => claim !== null);
    await repositories[1].release(winner!.id);
    const retaken = await repositories[0].claim(key, '1');
    expect(retaken).not.toBeNull();
    await repositories[0].complete(key, 'crm-1', { subject: 's' }, { subject: 's', body: 'b' });
    await repositories[1].release(retaken!.id);
    expect(await repositories[1].findBySession(key)).toMatchObject({ thirdPartyLogId: 'crm-1', details: { subject: 's' } });
  });
});
