import { readFileSync } from 'node:fs';
import { Contract, contract, expectMatchesContract, toJsonSchema } from './support/contract.js';

// The validator is what every contract assertion stands on, so it is tested for what it rejects.
describe('contract validator', () => {
  const interfaces = {
    getAuthType: true,
    getUserInfo: true,
    createCallLog: true,
    updateCallLog: true,
    getCallLog: true,
    createMessageLog: true,
    updateMessageLog: true,
    createContact: true,
    findContact: true,
    listAppointments: false,
    createAppointment: false,
    updateAppointment: false,
    refreshAppointment: false,
    confirmAppointment: false,
    cancelAppointment: false,
    unAuthorize: true,
    upsertCallDisposition: false,
    findContactWithName: false,
    getUserList: false,
    getManagedAuthOptions: false,
    getLicenseStatus: false,
    getLogFormatType: true,
    refreshUserInfo: false,
    cacheCallNote: false,
  };

  it('keeps its own copy of the OpenAPI 3.0.3 contract', () => {
    const repoCopy = readFileSync(new URL('./contract/app-connect-openapi-public.json', import.meta.url), 'utf8');
    expect(JSON.parse(repoCopy).openapi).toBe('3.0.3');
  });

  it('compiles every response schema the contract documents, in strict mode', () => {
    const doc = JSON.parse(
      readFileSync(new URL('./contract/app-connect-openapi-public.json', import.meta.url), 'utf8'),
    ) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    let compiled = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of Object.keys(op.responses ?? {})) {
          const found = contract().response(method, path, Number(status));
          for (const [mediaType, schema] of Object.entries(found.content)) {
            if (schema === undefined) continue;
            // Compiling happens on first use: anything but a plain validation failure is a translation gap.
            try {
              contract().check(method, path, Number(status), Symbol.for('not json'), mediaType);
            } catch (error) {
              expect((error as Error).message, `${method} ${path} ${status} ${mediaType}`).toMatch(
                /^response does not match the contract/,
              );
            }
            compiled++;
          }
        }
      }
    }
    expect(compiled).toBeGreaterThan(100);
  });

  it('accepts a body that matches its operation', () => {
    expect(expectMatchesContract('GET', '/serverVersionInfo', 200, { version: '1.2.3' })).toEqual({
      operationId: 'getServerVersionInfo',
      validated: true,
    });
    expect(expectMatchesContract('GET', '/implementedInterfaces?platform=local', 200, interfaces).validated).toBe(true);
  });

  it('rejects a missing required field, naming it', () => {
    expect(() => expectMatchesContract('GET', '/serverVersionInfo', 200, {})).toThrow(
      /getServerVersionInfo[\s\S]*- \/ must have required property 'version'/,
    );
  });

  it('lists every violation with its JSON pointer', () => {
    const body = {
      successful: 'yes',
      contact: [{ id: true, name: 'Ann' }, { id: 'x', name: 7 }],
    };
    let message = '';
    try {
      expectMatchesContract('GET', '/contact', 200, body);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('/successful must be boolean');
    expect(message).toContain('/contact/0/id');
    expect(message).toContain('/contact/1/name must be string');
  });

  it('rejects a property the schema closes off, and a value outside an enum', () => {
    expect(() => expectMatchesContract('GET', '/serverVersionInfo', 200, { version: '1', extra: 1 })).toThrow(
      /must NOT have additional properties \(extra\)/,
    );
    expect(() => expectMatchesContract('GET', '/isAlive', 200, 'NOPE', 'text/plain')).toThrow(
      /must be equal to one of the allowed values \(\["OK"\]\)/,
    );
    expect(expectMatchesContract('GET', '/isAlive', 200, 'OK', 'text/plain; charset=utf-8').validated).toBe(true);
  });

  it('resolves paths with parameters to their template', () => {
    expect(expectMatchesContract('PATCH', '/calldown/abc-123', 200, { successful: true }).operationId).toBe(
      'patchCallDown',
    );
    expect(() => expectMatchesContract('PATCH', '/calldown/abc-123', 200, { successful: false })).toThrow(
      /PATCH \/calldown\/\{id\} 200/,
    );
    expect(contract().response('POST', '/appointments/a1/confirm', 200).operationId).toBe('postAppointmentConfirm');
  });

  it('honours nullable and formats', () => {
    const entry = { id: 'e1', status: 'scheduled', scheduledAt: null, createdAt: '2026-01-02T03:04:05Z' };
    expect(expectMatchesContract('GET', '/calldown', 200, { successful: true, items: [entry] }).validated).toBe(true);
    expect(() =>
      expectMatchesContract('GET', '/calldown', 200, { successful: true, items: [{ ...entry, createdAt: 'soon' }] }),
    ).toThrow(/\/items\/0\/createdAt must match format "date-time"/);
    expect(() =>
      expectMatchesContract('GET', '/calldown', 200, { successful: true, items: [{ ...entry, contactId: 5 }] }),
    ).toThrow(/\/items\/0\/contactId must be string,null/);
    // nullable with enum [null]: null is allowed, another string is not.
    expect(expectMatchesContract('POST', '/messageLog', 200, { successful: true, returnMessage: null }).validated).toBe(
      true,
    );
  });

  it('resolves shared responses: an error envelope is checked against ErrorResponse', () => {
    const envelope = { successful: false, returnMessage: { message: 'Bad', messageType: 'warning', ttl: 3000 } };
    expect(expectMatchesContract('GET', '/contact', 400, envelope).validated).toBe(true);
    expect(() =>
      expectMatchesContract('GET', '/contact', 401, { successful: false, returnMessage: { ttl: 'long' } }),
    ).toThrow(/returnMessage\/ttl must be integer/);
  });

  it('refuses what the contract does not document instead of passing it', () => {
    expect(() => expectMatchesContract('GET', '/nowhere', 200, {})).toThrow(/no path of the contract matches \/nowhere/);
    expect(() => expectMatchesContract('DELETE', '/contact', 200, {})).toThrow(/not an operation/);
    expect(() => expectMatchesContract('GET', '/serverVersionInfo', 404, {})).toThrow(/documents no 404 response/);
    expect(() => expectMatchesContract('GET', '/serverVersionInfo', 200, 'x', 'text/html')).toThrow(
      /documented as application\/json, not text\/html/,
    );
  });

  it('says when a response has no body schema to check', () => {
    expect(expectMatchesContract('GET', '/hostname', 500, '')).toEqual({
      operationId: 'getHostname',
      validated: false,
    });
  });

  it('translates OpenAPI 3.0 keywords to JSON Schema', () => {
    expect(
      toJsonSchema({
        type: 'string',
        nullable: true,
        enum: ['a'],
        example: 'a',
        'x-note': 1,
        properties: { example: { type: 'string', nullable: true } },
      }),
    ).toEqual({ type: ['string', 'null'], enum: ['a', null], properties: { example: { type: ['string', 'null'] } } });
    expect(toJsonSchema({ allOf: [{ $ref: '#/components/schemas/ReturnMessage' }], nullable: true })).toEqual({
      anyOf: [{ allOf: [{ $ref: 'app-connect-contract.json#/definitions/ReturnMessage' }] }, { type: 'null' }],
    });
  });

  it('loads a contract from any document', () => {
    const tiny = new Contract({
      openapi: '3.0.3',
      paths: {
        '/a/{b}': {
          get: { operationId: 'getA', responses: { '2XX': { content: { 'application/json': { schema: { type: 'integer' } } } } } },
        },
      },
    });
    expect(tiny.check('GET', '/a/1', 201, 5).validated).toBe(true);
    expect(() => tiny.check('GET', '/a/1', 204, 5.5)).toThrow(/must be integer/);
  });
});
