import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp, usesPostgres } from './support/test-app.js';

/** The tables every logging request writes; the local CRM's own tables are left out. */
const LOGGING_TABLES = /"(call_logs|message_logs|message_digests)"/;

/**
 * TypeORM's SQLite driver writes numeric parameters into the SQL text, so a query on a
 * numeric id is new SQL for every row: prepared again each time, and an evicted
 * statement's native memory lingers until a full GC (see data-source-options.ts).
 * Once every kind of logging request has run once, later ones must only reuse
 * statements.
 */
describe.skipIf(usesPostgres())('SQL statement reuse on SQLite (e2e)', () => {
  let t: TestApp;
  let token: string;
  let prepared: string[];

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login();
    const connection = (t.get(DataSource).driver as unknown as { databaseConnection: { prepare(sql: string): unknown } })
      .databaseConnection;
    const prepare = connection.prepare.bind(connection);
    prepared = [];
    vi.spyOn(connection, 'prepare').mockImplementation((sql: string) => {
      if (LOGGING_TABLES.test(sql)) prepared.push(sql);
      return prepare(sql);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  const post = (path: string, body: object) => t.http.post(path).set('Authorization', `Bearer ${token}`).send(body);
  const patch = (body: object) => t.http.patch('/callLog').set('Authorization', `Bearer ${token}`).send(body);

  let nextMessageId = 9_100_000;
  const conversation = (conversationId: number, messages: number) => ({
    contactId: '1',
    contactName: 'Jane Smith',
    contactType: 'Contact',
    logInfo: {
      conversationId,
      correspondents: [{ phoneNumber: '+14155550100', name: 'Jane Smith' }],
      messages: Array.from({ length: messages }, (_, i) => ({
        id: nextMessageId++,
        type: 'SMS',
        direction: 'Inbound',
        from: { phoneNumber: '+14155550100', name: 'Jane Smith' },
        to: [{ phoneNumber: '+16505550199', extensionNumber: '101' }],
        subject: `Message ${i}`,
        creationTime: `2026-06-24T0${3 + i}:00:00.000Z`,
        conversationId,
      })),
    },
  });
  const call = (sessionId: string) => ({
    logInfo: {
      id: `rc-${sessionId}`,
      sessionId,
      direction: 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
      startTime: '2026-06-24T02:30:00.000Z',
      duration: 125,
      result: 'Call connected',
    },
    hashedExtensionId: 'hashed-ext-101',
    contactId: '1',
    contactName: 'Jane Smith',
    contactType: 'Contact',
  });

  /** A digest created, then updated; a call logged, then updated. */
  async function logEachKind(round: number): Promise<void> {
    const conversationId = 7_000 + round;
    const created = await post('/messageLog', conversation(conversationId, 1)).expect(200);
    expect(created.body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
    const updated = await post('/messageLog', conversation(conversationId, 1)).expect(200);
    expect(updated.body).toMatchObject({ successful: true, logIds: [expect.any(String)] });
    const sessionId = `s-${randomUUID()}`;
    expect((await post('/callLog', call(sessionId)).expect(200)).body).toMatchObject({ successful: true });
    expect((await patch({ sessionId, hashedExtensionId: 'hashed-ext-101', note: `round ${round}` }).expect(200)).body).toMatchObject({
      successful: true,
    });
  }

  it('prepares each logging statement once, whatever the row ids', async () => {
    await logEachKind(0);
    expect(prepared.length).toBeGreaterThan(0);
    prepared.length = 0;
    for (let round = 1; round <= 5; round++) await logEachKind(round);
    expect(prepared).toEqual([]);
  });
});
