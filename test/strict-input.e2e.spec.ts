import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { gzipSync } from 'node:zlib';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const JANE = { phoneNumber: '+14155550100', name: 'Jane Smith' };
const BOB = { phoneNumber: '+14155550111', name: 'Bob Jones' };
const IMAGE = 'https://media.ringcentral.com/restapi/v1.0/account/1/extension/2/message-store/3/content/4';

describe('strict input, lossless ids and media by attachment (e2e)', () => {
  let crm: CountingCrm;
  let t: TestApp;
  let token: string;

  let baseUrl: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  /** fetch sends bytes as they are (supertest would JSON-encode a Buffer sent as application/json). */
  const rawPost = async (path: string, headers: Record<string, string>, bytes: Buffer | string) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: new Uint8Array(Buffer.from(bytes)) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Sent as text, so bare 19-digit numbers reach the server exactly as a client wrote them. */
  const postText = (path: string, text: string) =>
    t.http.post(path).set(auth()).set('Content-Type', 'application/json').send(text);

  beforeAll(async () => {
    crm = new CountingCrm();
    t = await createTestApp({ imports: [CountingCrmModule.register(crm)] });
    token = await t.login('counting', 'any-key');
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('64-bit RingCentral ids', () => {
    it('keeps two 19-digit conversations sent as bare numbers apart: two digests, both messages logged', async () => {
      // Both pairs are one apart: as doubles each pair is the same number.
      expect(5578984350117917661).toBe(5578984350117917662);
      const body = (contact: { phoneNumber: string; name: string }, contactId: string, conversationId: string, messageId: string) => `{
        "contactId": "${contactId}", "contactName": "${contact.name}",
        "logInfo": { "conversationId": ${conversationId},
          "correspondents": [{ "phoneNumber": "${contact.phoneNumber}", "name": "${contact.name}" }],
          "messages": [{ "id": ${messageId}, "type": "SMS", "direction": "Inbound", "subject": "hi from ${contact.name}",
            "from": { "phoneNumber": "${contact.phoneNumber}" }, "creationTime": "2026-06-24T03:15:00.000Z",
            "conversationId": ${conversationId} }] } }`;
      const first = await postText('/messageLog', body(JANE, '1', '5578984350117917661', '9223372036854775001')).expect(200);
      const second = await postText('/messageLog', body(BOB, '2', '5578984350117917662', '9223372036854775002')).expect(200);
      expect(first.body).toMatchObject({ successful: true, logIds: ['9223372036854775001'] });
      expect(second.body).toMatchObject({ successful: true, logIds: ['9223372036854775002'] });
      expect(crm.creates).toHaveLength(2);
      expect(crm.creates.map((c) => c.message.conversationId)).toEqual(['5578984350117917661', '5578984350117917662']);
      expect(crm.creates.map((c) => c.message.id)).toEqual(['9223372036854775001', '9223372036854775002']);
      expect(crm.creates[1]!.composedLogDetails).toContain('hi from Bob Jones');
    });

    it('keeps safe integers as numbers', async () => {
      crm.creates.length = 0;
      await postText(
        '/messageLog',
        JSON.stringify({
          contactId: '1',
          logInfo: { conversationId: 555100, correspondents: [JANE], messages: [{ id: 424242, type: 'SMS', subject: 'x', creationTime: '2026-06-24T05:00:00Z' }] },
        }),
      ).expect(200);
      expect(crm.creates[0]!.message.id).toBe(424242);
    });
  });

  describe('media by attachment', () => {
    it("carries the image of an MMS that RingCentral sends as type SMS into the activity, with the token only in the connector's download link", async () => {
      crm.creates.length = 0;
      const response = await t.http
        .post('/messageLog')
        .set(auth())
        .send({
          contactId: '1',
          contactName: 'Jane Smith',
          logInfo: {
            conversationId: 777001,
            correspondents: [JANE],
            rcAccessToken: 'rc-token-secret',
            messages: [
              {
                id: 880001,
                type: 'SMS',
                direction: 'Inbound',
                creationTime: '2026-06-25T09:00:00.000Z',
                attachments: [
                  { id: 1, type: 'Text', uri: 'https://media.ringcentral.com/text/1', contentType: 'text/plain' },
                  { id: 2, type: 'MmsAttachment', uri: IMAGE, contentType: 'image/jpeg' },
                ],
              },
            ],
          },
        })
        .expect(200);
      expect(response.body.successful).toBe(true);
      const [create] = crm.creates;
      expect(create!.imageLink).toBe(IMAGE);
      expect(create!.imageContentType).toBe('image/jpeg');
      expect(create!.imageDownloadLink).toBe(`${IMAGE}?access_token=rc-token-secret`);
      expect(create!.composedLogDetails).toContain(`Image: ${IMAGE}`);
      expect(create!.composedLogDetails).not.toContain('(no text)');
      expect(create!.composedLogDetails).not.toContain('rc-token-secret');
    });

    it('never appends the RingCentral token to a host that is not RingCentral', async () => {
      crm.creates.length = 0;
      await t.http
        .post('/messageLog')
        .set(auth())
        .send({
          contactId: '1',
          logInfo: {
            conversationId: 777002,
            correspondents: [JANE],
            rcAccessToken: 'rc-token-secret',
            messages: [
              {
                id: 880002,
                type: 'Fax',
                creationTime: '2026-06-25T09:00:00.000Z',
                attachments: [{ type: 'RenderedDocument', uri: 'https://collector.attacker.example/fax.pdf', contentType: 'application/pdf' }],
              },
            ],
          },
        })
        .expect(200);
      expect(JSON.stringify(crm.creates)).not.toContain('rc-token-secret');
      expect(crm.creates[0]!.faxDocLink).toBe('https://collector.attacker.example/fax.pdf');
    });
  });

  describe('validation errors name each field by its path, once', () => {
    const message = { id: 1, type: 'SMS', creationTime: '2026-06-24T03:15:00.000Z' };
    const log = (logInfo: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      contactId: '1',
      logInfo: { correspondents: [JANE], messages: [message], ...logInfo },
      ...extra,
    });
    const refused = async (path: string, body: unknown, method: 'post' | 'patch' = 'post') => {
      const writes = crm.writes;
      const response = await t.http[method](path).set(auth()).send(body as object);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(crm.writes).toBe(writes);
      return response.body as { fields: string[]; message: string };
    };

    it('names missing login fields once each, as required', async () => {
      // apiKey is required per connector (those whose sign-in page has the field), so only platform is named here.
      const body = await refused('/apiKeyLogin', {});
      expect(body.fields).toEqual(['platform']);
      expect(body.message).toBe('platform is required');
      const nulls = await refused('/apiKeyLogin', { platform: null, apiKey: 'k' });
      expect(nulls).toMatchObject({ fields: ['platform'], message: 'platform must not be null' });
    });

    it('names the calendar-invalid date by its full path; it never lands in another day', async () => {
      const body = await refused('/messageLog', log({ messages: [{ ...message, creationTime: '2026-02-30T10:00:00Z' }] }));
      expect(body.fields).toEqual(['logInfo.messages.0.creationTime']);
      expect(body.message).toMatch(/^logInfo\.messages\.0\.creationTime must be an ISO-8601 date-time/);
    });

    it('refuses a non-object party, null objects and arrays where an object belongs', async () => {
      expect((await refused('/messageLog', log({ messages: [{ ...message, from: 'Jane' }] }))).fields).toEqual(['logInfo.messages.0.from']);
      expect((await refused('/messageLog', log({ messages: [{ ...message, from: [JANE] }] }))).fields).toEqual(['logInfo.messages.0.from']);
      expect((await refused('/messageLog', log({ owner: null }))).fields).toEqual(['logInfo.owner']);
      expect((await refused('/messageLog', log({ notes: 'a note' }))).fields).toEqual(['logInfo.notes']);
      expect((await refused('/messageLog', { contactId: '1', logInfo: null })).fields).toEqual(['logInfo']);
      expect((await refused('/messageLog', log({}, { additionalSubmission: [1] }))).fields).toEqual(['additionalSubmission']);
      expect((await refused('/messageLog', log({ messages: { 0: message } }))).fields).toEqual(['logInfo.messages']);
    });

    it("refuses attachment types outside RingCentral's list and links that are not URLs", async () => {
      const attachment = (extra: Record<string, unknown>) => log({ messages: [{ ...message, attachments: [{ uri: IMAGE, ...extra }] }] });
      expect((await refused('/messageLog', attachment({ type: 'Picture' }))).fields).toEqual(['logInfo.messages.0.attachments.0.type']);
      expect((await refused('/messageLog', attachment({ link: 'javascript:alert(1)' }))).fields).toEqual(['logInfo.messages.0.attachments.0.link']);
      const patch = await refused('/callLog', { sessionId: 's-1', recordingLink: 'not a url' }, 'patch');
      expect(patch.fields).toEqual(['recordingLink']);
    });

    it('keeps unknown RingCentral fields where they were kept before', async () => {
      crm.creates.length = 0;
      await t.http
        .post('/messageLog')
        .set(auth())
        .send(log({ conversationId: 1234, messages: [{ ...message, id: 990001, readStatus: 'Read', from: { phoneNumber: '+1', recipientId: 'r1' } }] }))
        .expect(200);
      expect(crm.creates[0]!.message).toMatchObject({ readStatus: 'Read', from: { recipientId: 'r1' } });
    });
  });

  describe('bodies', () => {
    it('reads a gzip body, refuses one that is not gzip (400) and an unknown encoding (415)', async () => {
      const body = JSON.stringify({ platform: 'counting', apiKey: 'k' });
      const json = { 'Content-Type': 'application/json' };
      const gzipped = await rawPost('/apiKeyLogin', { ...json, 'Content-Encoding': 'gzip' }, gzipSync(body));
      expect(gzipped.status).toBe(200);
      expect(gzipped.body.jwtToken).toEqual(expect.any(String));
      const lying = await rawPost('/apiKeyLogin', { ...json, 'Content-Encoding': 'gzip' }, body);
      expect(lying.status).toBe(400);
      expect(lying.body.fields).toEqual(['Content-Encoding']);
      const unknown = await rawPost('/apiKeyLogin', { ...json, 'Content-Encoding': 'compress' }, body);
      expect(unknown.status).toBe(415);
      expect(unknown.body).toMatchObject({ fields: ['Content-Encoding'], errorCode: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('applies the body limit to the decompressed size', async () => {
      const bomb = gzipSync(JSON.stringify({ platform: 'counting', apiKey: 'k', additionalInfo: { pad: 'x'.repeat(3 * 1024 * 1024) } }));
      expect(bomb.length).toBeLessThan(t.config.BODY_LIMIT_BYTES);
      const response = await rawPost('/apiKeyLogin', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, bomb);
      expect(response.status).toBe(413);
      expect(response.body.fields).toEqual(['body']);
    });

    it('refuses a body without a JSON content type with 415 instead of reporting missing fields', async () => {
      const response = await t.http.post('/apiKeyLogin').set('Content-Type', 'text/plain').send('{"platform":"counting","apiKey":"k"}');
      expect(response.status).toBe(415);
      expect(response.body.fields).toEqual(['Content-Type']);
    });

    it('reads an empty body under a JSON content type as no body', async () => {
      const empty = await rawPost('/apiKeyLogin', { 'Content-Type': 'application/json' }, '');
      expect(empty.status).toBe(400);
      expect(empty.body.fields).toEqual(['platform']);
    });

    it('names the depth limit for deep JSON', async () => {
      const deep = '{"platform":"counting","apiKey":"k","additionalInfo":' + '{"a":'.repeat(3000) + '1' + '}'.repeat(3001);
      const response = await t.http.post('/apiKeyLogin').set('Content-Type', 'application/json').send(deep);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/limit of 32 levels/);
    });
  });

  describe('answers echo no secrets', () => {
    it('answers 404 without the query string', async () => {
      const response = await t.http.get('/no-such-route?jwtToken=secret-token&phoneNumber=%2B14155550100').expect(404);
      expect(JSON.stringify(response.body)).not.toMatch(/secret-token|4155550100/);
      expect(response.body.message).toBe('Cannot GET /no-such-route');
    });
  });
});

describe('user text reaching HTML and Markdown bodies is escaped (e2e, local CRM)', () => {
  const markup = '<img src=x onerror=alert(1)>';
  for (const format of ['text/html', 'text/markdown'] as const) {
    it(`escapes contactName, subject, note and message text in ${format}`, async () => {
      const t = await createTestApp({ env: { LOCAL_CRM_LOG_FORMAT: format } });
      try {
        const token = await t.login();
        const ownerId = (new JwtService().decode(token) as { sub: string }).sub.replace(/^local-/, '');
        const auth = { Authorization: `Bearer ${token}` };
        await t.http
          .post('/callLog')
          .set(auth)
          .send({
            logInfo: {
              sessionId: 'escape-1',
              direction: 'Inbound',
              from: { phoneNumber: '+14155550100', name: markup },
              to: { phoneNumber: '+16505550199' },
              startTime: '2026-06-24T02:30:00.000Z',
              duration: 5,
              customSubject: `Call ${markup}`,
            },
            contactId: '1',
            contactName: `Jane ${markup}`,
            note: `**bold** ${markup}\n# heading`,
          })
          .expect(200);
        await t.http
          .post('/messageLog')
          .set(auth)
          .send({
            contactId: '1',
            contactName: `Jane ${markup}`,
            logInfo: {
              conversationId: 42,
              correspondents: [{ phoneNumber: '+14155550100', name: markup }],
              messages: [{ id: 77, type: 'SMS', direction: 'Inbound', subject: `hi ${markup}`, creationTime: '2026-06-24T03:00:00Z' }],
            },
          })
          .expect(200);
        const activities = await t.get(LocalCrmStore).listActivities(ownerId);
        expect(activities).toHaveLength(2);
        for (const activity of activities) {
          // In Markdown an escaped \< is literal text; only a bare < would open a tag.
          expect(activity.body).not.toMatch(/(^|[^\\])<img/);
          if (format === 'text/html') expect(activity.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
          else expect(activity.body).toContain('\\<img src\\=x onerror\\=alert\\(1\\)\\>');
          // The subject is a plain-text field: it stays as written.
          expect(activity.subject).toContain(markup);
        }
      } finally {
        await t.close();
      }
    });
  }
});
