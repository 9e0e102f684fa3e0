import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { OutboxWorker } from '../../src/delivery/outbox-worker.service.js';
import { expectResponseMatchesContract } from '../support/contract.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The connector conformance kit: one suite, run through our HTTP routes, that checks what
 * the core relies on from any connector (code or config) against that connector's fake CRM.
 * A connector plugs in with one small spec file that describes its fake (see the README's
 * "Adding a connector"). A capability a connector lacks is declared in `skip` with the
 * reason, and its checks are reported as skipped with that reason; a harness method the
 * kit needs but the spec did not provide fails the check instead of passing it by default.
 */

/** One log record (call or message digest) as the fake CRM holds it. */
export interface CrmLogRecord {
  id: string;
  /** The field that holds the body the core composed, as the CRM stored it. */
  body: string;
}

/** A failure the fake answers to the next create of a call log. */
export type LogCreateFailure =
  /** 429 with Retry-After: the CRM did not process the request. */
  | 'rateLimit'
  /** 503: the CRM did not process the request. */
  | 'serverError'
  /** The CRM creates the record, then the answer is lost (a 504 after processing). */
  | 'answerLost';

/** The stored phone formats the kit seeds contacts in; every lookup is by E.164. */
export const PHONE_FORMATS = {
  e164: (digits: string) => `+1${digits}`,
  international: (digits: string) => `+1 ${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`,
  national: (digits: string) => `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
  dashed: (digits: string) => `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`,
  digits: (digits: string) => digits,
} as const;
export type PhoneFormat = keyof typeof PHONE_FORMATS;

/** What the kit can be told a connector does not do. */
export type Capability =
  | 'createContact'
  | 'tokenRefresh'
  | 'failureInjection'
  | 'reconcile'
  | 'groupSms'
  | 'sharedSms'
  | 'media'
  | `phone:${PhoneFormat}`;

/** The connector's fake CRM, started for one kit run. */
export interface ConformanceFake {
  /** Settings that point the connector (or its config) at the fake. */
  env: Record<string, string>;
  /** Signs a user in through our routes (/apiKeyLogin or /oauth-callback); returns our JWT. */
  login(t: TestApp): Promise<string>;
  /** Adds a contact to the fake CRM with the phone stored exactly as given. */
  seedContact(contact: { name: string; phone: string }): Promise<{ id: string; type?: string }> | { id: string; type?: string };
  /** Every call and message log record the CRM holds for the signed-in user. */
  logs(t: TestApp): Promise<CrmLogRecord[]> | CrmLogRecord[];
  /**
   * The next create of a call log meets this failure. Returns how many call-log creates
   * the CRM has received since (failures.ts: failNextCreate does both for the fakes here).
   */
  failNextLogCreate?(failure: LogCreateFailure): () => number;
  /** OAuth: makes the issued access tokens invalid, as an early expiry would. */
  expireCredentials?(): void;
  /** OAuth: how many token refreshes the fake has answered so far. */
  refreshCount?(): number;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** The platform name (`platform` in /apiKeyLogin, `meta.name` of a config). */
  name: string;
  /** How users sign in; checked against the manifest. OAuth runs the refresh check. */
  auth: 'apiKey' | 'oauth';
  /** The connector's log format; checked against the manifest, used by the escaping check. */
  logFormat: 'text/plain' | 'text/html' | 'text/markdown';
  start(): Promise<ConformanceFake>;
  /** Capabilities the connector lacks, each with the reason shown in the test report. */
  skip?: Partial<Record<Capability, string>>;
  /** The contact type of the kit's new contacts, for CRMs with several. */
  newContactType?: string;
  /** Extra fields of every call log body (e.g. additionalSubmission a CRM requires). */
  callExtras?: Record<string, unknown>;
  /** Extra server settings for this connector's app. */
  env?: Record<string, string>;
}

const ME = { phoneNumber: '+16505550199', extensionNumber: '101', name: 'Kit Agent' };
const HASHED_EXTENSION = 'hashed-ext-kit';

/** Kit phone numbers: 415-555-02xx, one per seeded contact, so no two checks match each other's. */
let nextNumber = 200;
const freshDigits = () => `415555${String(nextNumber++).padStart(4, '0')}`;

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** The escaped form of the kit's tricky note in each log format. */
const ESCAPE_NOTE = 'Kit <b>bold</b> & *stars*';
const ESCAPED: Record<ConformanceOptions['logFormat'], { present: string; absent?: string }> = {
  'text/plain': { present: ESCAPE_NOTE },
  'text/html': { present: 'Kit &lt;b&gt;bold&lt;/b&gt; &amp; *stars*', absent: '<b>bold' },
  'text/markdown': { present: 'Kit \\<b\\>bold\\</b\\> \\& \\*stars\\*', absent: '<b>bold' },
};

export function defineConnectorConformance(options: ConformanceOptions): void {
  const skipReason = (capability: Capability): string | undefined => {
    if (capability === 'tokenRefresh' && options.auth === 'apiKey') return 'signs in with an API key: there is no token to refresh';
    return options.skip?.[capability];
  };
  /** A check, or the same check reported as skipped with the connector's stated reason. */
  const check = (capability: Capability | undefined, title: string, body: () => Promise<void>) => {
    const reason = capability ? skipReason(capability) : undefined;
    if (reason) it.skip(`${title} (skipped: ${reason})`, body);
    else it(title, body);
  };
  const need = <T>(value: T | undefined, what: string, capability: Capability): T => {
    if (value === undefined) {
      throw new Error(`The ${options.name} conformance spec gives no ${what}: provide it, or declare skip['${capability}'] with the reason.`);
    }
    return value;
  };

  describe(`connector conformance: ${options.name}`, () => {
    let fake: ConformanceFake;
    let t: TestApp;
    let jwt: string;

    const auth = () => ({ Authorization: `Bearer ${jwt}` });
    /** Delivers whatever the outbox holds now, as if its retry time had come. */
    const drain = () => t.get(OutboxWorker).runOnce(Date.now() + 60 * 60_000);
    const logs = async () => fake.logs(t);
    const seed = async (name: string, format: PhoneFormat = 'e164') => {
      const digits = freshDigits();
      const contact = await fake.seedContact({ name, phone: PHONE_FORMATS[format](digits) });
      return { ...contact, name, e164: `+1${digits}` };
    };
    type Seeded = Awaited<ReturnType<typeof seed>>;

    const callBody = (sessionId: string, contact: Seeded, note: string) => ({
      logInfo: {
        id: `rc-${sessionId}`,
        sessionId,
        direction: 'Outbound',
        from: { phoneNumber: ME.phoneNumber, extensionNumber: ME.extensionNumber },
        to: { phoneNumber: contact.e164, name: contact.name },
        startTime: '2026-06-24T02:30:00.000Z',
        duration: 125,
        result: 'Call connected',
      },
      hashedExtensionId: HASHED_EXTENSION,
      contactId: contact.id,
      contactName: contact.name,
      ...(contact.type ? { contactType: contact.type } : {}),
      note,
      ...options.callExtras,
    });
    const lookupCall = (sessionId: string) =>
      t.http.get(`/callLog?sessionIds=${sessionId}&hashedExtensionId=${HASHED_EXTENSION}`).set(auth()).expect(200);

    /** Logs a call; returns its log id once the CRM has it, and the records it added. */
    const logCall = async (contact: Seeded, note: string) => {
      const sessionId = `kit-${randomUUID()}`;
      const before = await logs();
      const response = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, contact, note)).expect(200);
      expectResponseMatchesContract('post', '/callLog', response);
      expect(response.body.successful, JSON.stringify(response.body)).toBe(true);
      await drain();
      const lookup = await lookupCall(sessionId);
      const logId = lookup.body.logs[0]?.logId as string | undefined;
      const added = (await logs()).filter((record) => !before.some((earlier) => earlier.id === record.id));
      return { sessionId, logId, added, response };
    };

    let conversation = 0;
    // Message times are around noon UTC, one calendar day in every user time zone the fakes give.
    const sms = (contact: Seeded, id: string, creationTime: string, text: string, extra: Record<string, unknown> = {}) => ({
      id,
      type: 'SMS',
      direction: 'Inbound',
      from: { phoneNumber: contact.e164, name: contact.name },
      to: [{ phoneNumber: ME.phoneNumber }],
      subject: text,
      creationTime,
      ...extra,
    });
    const postMessages = (contact: Seeded, conversationId: string, messages: unknown[], logInfo: Record<string, unknown> = {}) =>
      t.http
        .post('/messageLog')
        .set(auth())
        .send({
          contactId: contact.id,
          contactName: contact.name,
          ...(contact.type ? { contactType: contact.type } : {}),
          logInfo: { conversationId, correspondents: [{ phoneNumber: contact.e164, name: contact.name }], messages, ...logInfo },
        })
        .expect(200);
    const newConversation = () => `kit-conv-${++conversation}-${randomUUID().slice(0, 8)}`;
    const messageId = () => `kit-${randomUUID().slice(0, 12)}`;

    beforeAll(async () => {
      fake = await options.start();
      t = await createTestApp({
        env: {
          CRM_HTTP_MAX_RETRIES: '2',
          CRM_HTTP_TIMEOUT_MS: '2000',
          CONTACT_CACHE_TTL_SECONDS: '0',
          // The kit drives the outbox itself, so each check sees a settled CRM.
          OUTBOX_POLL_MS: '3600000',
          ...fake.env,
          ...options.env,
        },
      });
      jwt = await fake.login(t);
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    describe('sign-in', () => {
      check(undefined, 'is listed in the manifest with the declared sign-in and log format, and signs in', async () => {
        const manifest = await t.http.get(`/crmManifest?platformName=${options.name}`).expect(200);
        expectResponseMatchesContract('get', '/crmManifest', manifest);
        expect(manifest.body.platforms[options.name]).toMatchObject({ auth: { type: options.auth }, logFormat: options.logFormat });
        expect(jwt).toEqual(expect.any(String));
        const contact = await seed('Kit Signin');
        const found = await t.http.get(`/contact?phoneNumber=${encodeURIComponent(contact.e164)}`).set(auth()).expect(200);
        expect(found.body.successful).toBe(true);
      });

      check('tokenRefresh', 'refreshes an expired access token once and repeats the request', async () => {
        const expire = need(fake.expireCredentials, 'expireCredentials()', 'tokenRefresh');
        const count = need(fake.refreshCount, 'refreshCount()', 'tokenRefresh');
        const contact = await seed('Kit Refresh');
        const before = count();
        expire();
        const found = await t.http.get(`/contact?phoneNumber=${encodeURIComponent(contact.e164)}`).set(auth()).expect(200);
        expect(found.body.successful).toBe(true);
        expect(found.body.contact.map((c: { id: string }) => c.id)).toContain(contact.id);
        expect(count() - before).toBe(1);
      });
    });

    describe('contacts', () => {
      for (const format of Object.keys(PHONE_FORMATS) as PhoneFormat[]) {
        check(`phone:${format}`, `finds a contact whose phone is stored as ${PHONE_FORMATS[format]('4155550000')}, looked up by E.164`, async () => {
          const contact = await seed(`Kit Format ${format}`, format);
          const found = await t.http.get(`/contact?phoneNumber=${encodeURIComponent(contact.e164)}`).set(auth()).expect(200);
          expectResponseMatchesContract('get', '/contact', found);
          const ids = found.body.contact.filter((c: { isNewContact?: boolean }) => !c.isNewContact).map((c: { id: string }) => c.id);
          expect(ids).toEqual([contact.id]);
        });
      }

      check('createContact', 'creates a contact that the next lookup finds', async () => {
        const e164 = `+1${freshDigits()}`;
        const created = await t.http
          .post('/contact')
          .set(auth())
          .send({ phoneNumber: e164, newContactName: 'Kit Newcomer', ...(options.newContactType ? { newContactType: options.newContactType } : {}) })
          .expect(200);
        expectResponseMatchesContract('post', '/contact', created);
        expect(created.body).toMatchObject({ successful: true, contact: { id: expect.any(String), name: 'Kit Newcomer' } });
        const found = await t.http.get(`/contact?phoneNumber=${encodeURIComponent(e164)}`).set(auth()).expect(200);
        expect(found.body.contact.map((c: { id: string }) => c.id)).toContain(created.body.contact.id);
      });
    });

    describe('call logs', () => {
      check(undefined, 'creates one record, refuses a duplicate for the session, finds it, and updates it', async () => {
        const contact = await seed('Kit Caller');
        const { sessionId, logId, added } = await logCall(contact, 'Kit first note');
        expect(added).toHaveLength(1);
        expect(logId).toBe(added[0]!.id);
        expect(added[0]!.body).toContain('Kit first note');

        const held = (await logs()).length;
        const again = await t.http.post('/callLog').set(auth()).send(callBody(sessionId, contact, 'Kit first note')).expect(200);
        expect(again.body).toMatchObject({ successful: false, returnMessage: { message: `Existing log for session ${sessionId}` } });
        await drain();
        expect(await logs()).toHaveLength(held);

        const lookup = await lookupCall(sessionId);
        expectResponseMatchesContract('get', '/callLog', lookup);
        expect(lookup.body.logs).toEqual([expect.objectContaining({ sessionId, matched: true, logId })]);

        const updated = await t.http.patch('/callLog').set(auth()).send({ sessionId, hashedExtensionId: HASHED_EXTENSION, note: 'Kit second note' }).expect(200);
        expectResponseMatchesContract('patch', '/callLog', updated);
        expect(updated.body.successful, JSON.stringify(updated.body)).toBe(true);
        await drain();
        const record = (await logs()).find((r) => r.id === logId)!;
        expect(record.body).toContain('Kit second note');
        expect((await logs()).filter((r) => r.id === logId)).toHaveLength(1);
      });

      check(undefined, `escapes user text in its log format (${options.logFormat})`, async () => {
        const { added } = await logCall(await seed('Kit Escaper'), ESCAPE_NOTE);
        expect(added).toHaveLength(1);
        const expected = ESCAPED[options.logFormat];
        expect(added[0]!.body).toContain(expected.present);
        if (expected.absent) expect(added[0]!.body).not.toContain(expected.absent);
      });
    });

    describe('message digests', () => {
      check(undefined, 'makes one record a day per conversation: same-day updates, next day new, re-send adds nothing', async () => {
        const contact = await seed('Kit Texter');
        const conversationId = newConversation();
        const [a, b, c, d] = [messageId(), messageId(), messageId(), messageId()];
        const before = (await logs()).length;
        const first = await postMessages(contact, conversationId, [
          sms(contact, a, '2026-06-24T12:01:00.000Z', 'Kit alpha'),
          sms(contact, b, '2026-06-24T12:02:00.000Z', 'Kit bravo'),
        ]);
        expectResponseMatchesContract('post', '/messageLog', first);
        expect(first.body).toMatchObject({ successful: true, logIds: [a, b] });
        await drain();
        expect(await logs()).toHaveLength(before + 1);

        const sameDay = await postMessages(contact, conversationId, [sms(contact, c, '2026-06-24T13:00:00.000Z', 'Kit charlie')]);
        expect(sameDay.body).toMatchObject({ successful: true, logIds: [c] });
        await drain();
        const afterSameDay = await logs();
        expect(afterSameDay).toHaveLength(before + 1);
        const digest = afterSameDay.find((r) => r.body.includes('Kit charlie'))!;
        for (const text of ['Kit alpha', 'Kit bravo', 'Kit charlie']) expect(occurrences(digest.body, text)).toBe(1);

        const resent = await postMessages(contact, conversationId, [sms(contact, c, '2026-06-24T13:00:00.000Z', 'Kit charlie')]);
        expect(resent.body.successful).toBe(true);
        await drain();
        const afterResend = await logs();
        expect(afterResend).toHaveLength(before + 1);
        expect(occurrences(afterResend.find((r) => r.id === digest.id)!.body, 'Kit charlie')).toBe(1);

        const nextDay = await postMessages(contact, conversationId, [sms(contact, d, '2026-06-25T12:00:00.000Z', 'Kit delta')]);
        expect(nextDay.body).toMatchObject({ successful: true, logIds: [d] });
        await drain();
        const afterNextDay = await logs();
        expect(afterNextDay).toHaveLength(before + 2);
        const next = afterNextDay.find((r) => r.body.includes('Kit delta'))!;
        expect(next.id).not.toBe(digest.id);
        expect(next.body).not.toContain('Kit alpha');
      });

      check('groupSms', 'logs a group SMS once for each contact of the conversation', async () => {
        const [jane, tom] = [await seed('Kit Group Jane'), await seed('Kit Group Tom')];
        const conversationId = newConversation();
        const id = messageId();
        const correspondents = [jane, tom].map((c) => ({ phoneNumber: c.e164, name: c.name }));
        const message = sms(jane, id, '2026-06-26T10:00:00.000Z', 'Kit hello both', { to: [{ phoneNumber: ME.phoneNumber }, correspondents[1]] });
        const before = (await logs()).length;
        const forJane = await postMessages(jane, conversationId, [message], { correspondents });
        const forTom = await postMessages(tom, conversationId, [message], { correspondents });
        expect(forJane.body.logIds).toEqual([`${id}-${jane.id}`]);
        expect(forTom.body.logIds).toEqual([`${id}-${tom.id}`]);
        await drain();
        const records = (await logs()).slice(before);
        expect(records).toHaveLength(2);
        for (const record of records) expect(record.body).toContain('Kit hello both');
      });

      check('sharedSms', 'keeps a shared SMS thread in one record across days, with its owner', async () => {
        const contact = await seed('Kit Shared');
        const conversationId = newConversation();
        const threadId = `kit-thread-${randomUUID().slice(0, 8)}`;
        const shared = { conversationLogId: threadId, owner: { name: 'Kit Queue', extensionType: 'Department' } };
        const before = (await logs()).length;
        const first = await postMessages(contact, conversationId, [sms(contact, messageId(), '2026-06-27T09:00:00.000Z', 'Kit need help')], shared);
        expect(first.body.successful).toBe(true);
        const reply = sms(contact, messageId(), '2026-06-28T09:30:00.000Z', 'Kit here to help', {
          direction: 'Outbound',
          from: { phoneNumber: ME.phoneNumber },
          to: [{ phoneNumber: contact.e164 }],
          author: { name: 'Kit Agent' },
        });
        const second = await postMessages(contact, conversationId, [reply], shared);
        expect(second.body.successful).toBe(true);
        await drain();
        const records = (await logs()).slice(before);
        expect(records).toHaveLength(1);
        expect(records[0]!.body).toContain('Kit need help');
        expect(records[0]!.body).toContain('Kit here to help');
        expect(records[0]!.body).toContain('Kit Queue');
      });

      check('media', 'puts voicemail, fax and MMS links in the digest', async () => {
        const contact = await seed('Kit Media');
        const from = { phoneNumber: contact.e164, name: contact.name };
        const response = await postMessages(contact, newConversation(), [
          {
            id: messageId(),
            type: 'VoiceMail',
            direction: 'Inbound',
            from,
            creationTime: '2026-06-29T10:00:00.000Z',
            attachments: [{ id: 1, type: 'AudioRecording', uri: 'https://media.example.com/kit/vm/1', link: 'https://app.example.com/kit/vm/1', contentType: 'audio/mpeg' }],
          },
          {
            id: messageId(),
            type: 'Fax',
            direction: 'Inbound',
            from,
            creationTime: '2026-06-29T10:05:00.000Z',
            attachments: [{ id: 2, type: 'RenderedDocument', uri: 'https://media.example.com/kit/fax/2', link: 'https://app.example.com/kit/fax/2', contentType: 'application/pdf' }],
          },
          sms(contact, messageId(), '2026-06-29T10:10:00.000Z', 'Kit photo', {
            type: 'MMS',
            attachments: [{ id: 3, type: 'MmsAttachment', uri: 'https://media.example.com/kit/mms/3.png', contentType: 'image/png' }],
          }),
        ]);
        expect(response.body.successful).toBe(true);
        await drain();
        const digest = (await logs()).find((r) => r.body.includes('Kit photo'))!;
        for (const link of ['https://app.example.com/kit/vm/1', 'https://app.example.com/kit/fax/2', 'https://media.example.com/kit/mms/3.png']) {
          expect(digest.body).toContain(link);
        }
      });
    });

    describe('CRM failures', () => {
      const throughFailure = async (failure: LogCreateFailure) => {
        const failNext = need(fake.failNextLogCreate, 'failNextLogCreate()', 'failureInjection');
        const contact = await seed(`Kit ${failure}`);
        const creates = failNext(failure);
        const { logId, added } = await logCall(contact, `Kit through ${failure}`);
        // The failure was met: a refused create was sent again; a lost answer was looked up, not sent again.
        if (failure === 'answerLost') expect(creates()).toBe(1);
        else expect(creates()).toBeGreaterThanOrEqual(2);
        // Exactly one record, and it is the one the core holds for the session.
        expect(added).toHaveLength(1);
        expect(logId).toBe(added[0]!.id);
        expect(added[0]!.body).toContain(`Kit through ${failure}`);
      };

      check('failureInjection', 'waits out a 429 with Retry-After and logs the call once', () => throughFailure('rateLimit'));
      check('failureInjection', 'logs the call once through a 5xx', () => throughFailure('serverError'));
      check(
        skipReason('failureInjection') ? 'failureInjection' : 'reconcile',
        'reconciles a create whose answer was lost by its idempotency key: exactly one record',
        () => throughFailure('answerLost'),
      );
    });
  });
}
