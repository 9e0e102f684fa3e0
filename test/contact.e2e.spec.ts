import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import type { MockInstance } from 'vitest';
import { AppException } from '../src/common/app.exception.js';
import { LocalCrmConnector } from '../src/connectors/local/local-crm.connector.js';
import { DEMO_CONTACTS } from '../src/connectors/local/local-crm-demo-seeder.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { ContactsService } from '../src/contacts/contacts.service.js';
import { ContactCacheEntity } from '../src/persistence/entities/contact-cache.entity.js';
import { ContactCacheRepository } from '../src/persistence/repositories/contact-cache.repository.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const CREATE_NEW = { id: 'createNewContact', name: 'Create new contact...', isNewContact: true };

describe('contacts (e2e)', () => {
  let t: TestApp;
  let token: string;
  let userId: string;
  let findSpy: MockInstance<LocalCrmConnector['findContact']>;
  let createSpy: MockInstance<LocalCrmConnector['createContact']>;

  const bearer = () => ({ Authorization: `Bearer ${token}` });
  /** `query` goes on the URL exactly as written, so '+' and '%20' reach Fastify undecoded. */
  const lookup = (query: string) => t.http.get(`/contact?${query}`).set(bearer());
  const names = (body: { contact: { name: string }[] }) => body.contact.map((contact) => contact.name);

  beforeAll(async () => {
    t = await createTestApp({ env: { CONTACT_CACHE_TTL_SECONDS: '900' } });
    token = await t.login();
    userId = (new JwtService().decode(token) as { sub: string }).sub;
    const connector = t.get(LocalCrmConnector);
    findSpy = vi.spyOn(connector, 'findContact');
    createSpy = vi.spyOn(connector, 'createContact');
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    findSpy.mockClear();
    createSpy.mockClear();
  });

  describe('GET /contact', () => {
    it('finds a contact stored as "(415) 555-0100" from E.164, ending the list with the create-new choice', async () => {
      const response = await lookup('phoneNumber=%2B14155550100&isForceRefreshAccountData=true').expect(200);
      expect(response.body).toMatchObject({ successful: true, returnMessage: { messageType: 'success' } });
      expect(response.body.contact[0]).toMatchObject({ name: 'Jane Smith', phone: '(415) 555-0100', type: 'Contact' });
      expect(response.body.contact.at(-1)).toMatchObject(CREATE_NEW);
      expect(response.body.contact.filter((c: { isNewContact?: boolean }) => c.isNewContact)).toHaveLength(1);
      expect(findSpy).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['differently punctuated', 'phoneNumber=415.555.0100'],
      ['with a trunk prefix', 'phoneNumber=1-415-555-0100'],
      ['a "+" sent unencoded (decodes to a space)', 'phoneNumber=+14155550100'],
      ['a "+" already lost to a %20', 'phoneNumber=%2014155550100'],
      ['a "+" lost before international punctuation', 'phoneNumber=+1+415+555+0100'],
    ])('finds it from a number %s', async (_case, query) => {
      const response = await lookup(`${query}&isForceRefreshAccountData=true`).expect(200);
      expect(names(response.body)).toContain('Jane Smith');
      // The connector saw the repaired, normalised number, not the raw text.
      expect(findSpy).toHaveBeenCalledTimes(1);
      expect(findSpy.mock.calls[0][0]).toMatchObject({
        phoneNumber: '+14155550100',
        phoneNumberForms: { e164: '+14155550100', national: '(415) 555-0100', international: '+1 415 555 0100' },
        isExtension: false,
      });
    });

    const everyForm = (e164: string) => {
      const digits = e164.slice(2);
      const [area, exchange, line] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
      return [
        e164,
        `+1 ${area} ${exchange} ${line}`,
        `(${area}) ${exchange}-${line}`,
        `${area}-${exchange}-${line}`,
        `${area}.${exchange}.${line}`,
        digits,
        `1${digits}`,
        `1 (${area}) ${exchange}-${line}`,
        `+1 (${area}) ${exchange}-${line} ext. 7`,
        `tel:${e164}`,
      ];
    };
    const demoCases = DEMO_CONTACTS.flatMap((demo) => {
      const e164 = `+1${demo.phoneNumber.replace(/\D/g, '').slice(-10)}`;
      return everyForm(e164).map((form) => [demo.name, demo.phoneNumber, form] as const);
    });

    it.each(demoCases)('finds demo contact %s (stored as %j) from %j', async (name, _stored, form) => {
      const response = await lookup(`phoneNumber=${encodeURIComponent(form)}&isForceRefreshAccountData=true`).expect(200);
      expect(response.body.successful).toBe(true);
      expect(names(response.body)).toContain(name);
      expect(findSpy).toHaveBeenCalledTimes(1);
    });

    it('answers an unknown number with only the create-new choice', async () => {
      const response = await lookup('phoneNumber=%2B13105550188').expect(200);
      expect(response.body.successful).toBe(true);
      expect(response.body.contact).toEqual([{ ...CREATE_NEW, phone: '+13105550188', phoneNumber: '+13105550188' }]);
      expect(response.body.returnMessage).toMatchObject({ messageType: 'warning', message: expect.stringMatching(/No contact/) });
    });

    it('serves the second lookup of a number from the cache, and per user', async () => {
      // Earlier forced lookups refreshed the cache; start this number from nothing.
      await t.get(ContactCacheRepository).forget(userId, '+12125550142');
      const first = await lookup('phoneNumber=%2B12125550142').expect(200);
      const second = await lookup('phoneNumber=212-555-0142').expect(200);
      expect(names(first.body)).toEqual(['Tom Becker', CREATE_NEW.name]);
      expect(second.body).toEqual(first.body);
      expect(findSpy).toHaveBeenCalledTimes(1);

      // The cache is the user's own: another user's lookup asks the CRM.
      const otherToken = await t.login('local', 'second');
      await t.http.get('/contact?phoneNumber=%2B12125550142').set('Authorization', `Bearer ${otherToken}`).expect(200);
      expect(findSpy).toHaveBeenCalledTimes(2);

      // Message logging can name the correspondent from the cache, in any format.
      const contacts = t.get(ContactsService);
      expect(await contacts.cachedContacts(userId, '(212) 555-0142')).toEqual([
        expect.objectContaining({ name: 'Tom Becker' }),
      ]);
      expect(await contacts.cachedContacts(userId, '+13105550188')).toBeNull();
      expect(findSpy).toHaveBeenCalledTimes(2);
    });

    it('keeps entries for CONTACT_CACHE_TTL_SECONDS and asks the CRM again once expired', async () => {
      const cache = t.get(ContactCacheRepository);
      await cache.forget(userId, '+16285550177');
      const before = Date.now();
      await lookup('phoneNumber=%2B16285550177').expect(200);
      expect(findSpy).toHaveBeenCalledTimes(1);
      expect(await cache.findFresh(userId, '+16285550177', new Date(before + 890_000))).not.toBeNull();
      expect(await cache.findFresh(userId, '+16285550177', new Date(Date.now() + 901_000))).toBeNull();

      await cache.store(userId, '+16285550177', [{ id: 'stale', name: 'Stale Entry' }], new Date(Date.now() - 1000));
      await cache.store(userId, '+19995550100', [{ id: 'old', name: 'Long Gone' }], new Date(Date.now() - 1000));
      const response = await lookup('phoneNumber=%2B16285550177').expect(200);
      expect(names(response.body)).toEqual(['Lee Garcia', CREATE_NEW.name]);
      expect(findSpy).toHaveBeenCalledTimes(2);
      // Writing a lookup sweeps the user's expired rows, so the table does not grow without bound.
      const rows = t.get(DataSource).getRepository(ContactCacheEntity);
      expect(await rows.countBy({ userId, phoneNumber: '+19995550100' })).toBe(0);
      expect(await rows.countBy({ userId, phoneNumber: '+16285550177' })).toBe(1);
    });

    it('bypasses and refreshes the cache with isForceRefreshAccountData=true', async () => {
      const cache = t.get(ContactCacheRepository);
      // A cached answer the CRM no longer agrees with.
      await cache.store(userId, '+14155550100', [{ id: 'gone', name: 'Old Name' }], new Date(Date.now() + 60_000));
      const cached = await lookup('phoneNumber=%2B14155550100').expect(200);
      expect(names(cached.body)).toEqual(['Old Name', CREATE_NEW.name]);
      expect(findSpy).toHaveBeenCalledTimes(0);

      const refreshed = await lookup('phoneNumber=%2B14155550100&isForceRefreshAccountData=true').expect(200);
      expect(names(refreshed.body)).toContain('Jane Smith');
      expect(names(refreshed.body)).not.toContain('Old Name');
      expect(findSpy).toHaveBeenCalledTimes(1);

      // The refresh replaced the entry: the next plain lookup is cached and current.
      const after = await lookup('phoneNumber=%2B14155550100').expect(200);
      expect(after.body.contact).toEqual(refreshed.body.contact);
      expect(findSpy).toHaveBeenCalledTimes(1);

      // isForceRefreshAccountData=false is false, not the truthy string 'false'.
      await lookup('phoneNumber=%2B14155550100&isForceRefreshAccountData=false').expect(200);
      expect(findSpy).toHaveBeenCalledTimes(1);
    });

    it('hands the overriding formats to the connector as a list, applied to the number', async () => {
      await lookup(
        `phoneNumber=%2B14155550100&isForceRefreshAccountData=true&overridingFormat=${encodeURIComponent('(***) ***-****, ***-***-****,+** ***')}`,
      ).expect(200);
      expect(findSpy.mock.calls[0][0]).toMatchObject({
        overridingFormat: ['(***) ***-****', '***-***-****', '+** ***'],
        phoneNumberForms: { overriding: ['(415) 555-0100', '415-555-0100'] },
      });
    });

    it('passes an extension lookup through unparsed and does not cache it', async () => {
      const response = await lookup('phoneNumber=101&isExtension=true').expect(200);
      expect(response.body.contact).toEqual([{ ...CREATE_NEW, phone: '101', phoneNumber: '101' }]);
      await lookup('phoneNumber=101&isExtension=true').expect(200);
      expect(findSpy).toHaveBeenCalledTimes(2);
      expect(findSpy.mock.calls[0][0]).toMatchObject({ phoneNumber: '101', isExtension: true, phoneNumberForms: { e164: null } });
    });

    it('reports a CRM failure in the envelope and caches nothing', async () => {
      findSpy.mockRejectedValueOnce(AppException.crmRequestFailed('local', 'The CRM is down for maintenance'));
      const response = await lookup('phoneNumber=%2B19175550111').expect(200);
      expect(response.body).toMatchObject({
        successful: false,
        returnMessage: { messageType: 'danger', message: 'The CRM is down for maintenance' },
      });
      expect(await t.get(ContactCacheRepository).findFresh(userId, '+19175550111')).toBeNull();
    });

    it.each([
      ['a missing phoneNumber', '', 'phoneNumber'],
      ['an empty phoneNumber', 'phoneNumber=', 'phoneNumber'],
      ['a phoneNumber that is not a number', 'phoneNumber=hello', 'phoneNumber'],
      ['a phoneNumber that is too short', 'phoneNumber=12345', 'phoneNumber'],
      ['a repeated phoneNumber', 'phoneNumber=%2B14155550100&phoneNumber=%2B12125550142', 'phoneNumber'],
      ['a non-boolean isExtension', 'phoneNumber=%2B14155550100&isExtension=yes', 'isExtension'],
      ['a non-boolean isForceRefreshAccountData', 'phoneNumber=%2B14155550100&isForceRefreshAccountData=1', 'isForceRefreshAccountData'],
    ])('answers 400 naming the field for %s', async (_case, query, field) => {
      const response = await lookup(query);
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([field]);
      expect(response.body.message).toContain(field);
      expect(findSpy).not.toHaveBeenCalled();
    });

    it('says an unparsable number is not a phone number', async () => {
      const response = await lookup('phoneNumber=hello').expect(400);
      expect(response.body.returnMessage.message).toMatch(/phoneNumber "hello" is not a phone number/);
    });

    it('answers 401 without a session', async () => {
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100');
      expect(response.status).toBe(401);
      expect(response.body.returnMessage.message).toMatch(/Missing session token/);
      expect(findSpy).not.toHaveBeenCalled();
    });

    it('accepts the legacy ?jwtToken= query parameter', async () => {
      const response = await t.http.get(`/contact?phoneNumber=%2B12125550142&jwtToken=${encodeURIComponent(token)}`).expect(200);
      expect(names(response.body)).toContain('Tom Becker');
    });
  });

  describe('POST /contact', () => {
    it('creates a contact in the CRM and finds it again from another format', async () => {
      const created = await t.http
        .post('/contact')
        .set(bearer())
        .send({ phoneNumber: '+16505550123', newContactName: ' Alex Morgan ', newContactType: 'Lead', additionalSubmission: { company: 'Initech' } })
        .expect(200);
      expect(created.body).toMatchObject({
        successful: true,
        contact: { id: expect.any(String), name: 'Alex Morgan', type: 'Lead', company: 'Initech' },
        returnMessage: { messageType: 'success' },
      });
      const stored = await t.get(LocalCrmStore).findContactsByE164(['+16505550123']);
      expect(stored).toEqual([expect.objectContaining({ name: 'Alex Morgan', type: 'Lead', company: 'Initech' })]);

      const found = await lookup('phoneNumber=(650)%20555-0123').expect(200);
      expect(found.body.contact).toEqual([
        expect.objectContaining({ id: created.body.contact.id, name: 'Alex Morgan' }),
        expect.objectContaining(CREATE_NEW),
      ]);
    });

    it('invalidates the cached lookup of that number', async () => {
      const first = await lookup('phoneNumber=%2B16285550177').expect(200);
      expect(names(first.body)).not.toContain('Lee Assistant');
      await t.http
        .post('/contact')
        .set(bearer())
        .send({ phoneNumber: '(628) 555-0177', newContactName: 'Lee Assistant' })
        .expect(200);
      findSpy.mockClear();
      const second = await lookup('phoneNumber=%2B16285550177').expect(200);
      expect(names(second.body)).toEqual(expect.arrayContaining(['Lee Garcia', 'Lee Assistant']));
      expect(names(second.body).at(-1)).toBe(CREATE_NEW.name);
      expect(findSpy).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['a missing phoneNumber', { newContactName: 'A' }, 'phoneNumber'],
      ['a numeric phoneNumber', { phoneNumber: 4155550100, newContactName: 'A' }, 'phoneNumber'],
      ['an unparsable phoneNumber', { phoneNumber: 'call me', newContactName: 'A' }, 'phoneNumber'],
      ['a missing newContactName', { phoneNumber: '+14155550100' }, 'newContactName'],
      ['a blank newContactName', { phoneNumber: '+14155550100', newContactName: '   ' }, 'newContactName'],
      ['an unknown newContactType', { phoneNumber: '+14155550100', newContactName: 'A', newContactType: 'Alien' }, 'newContactType'],
      ['a non-object additionalSubmission', { phoneNumber: '+14155550100', newContactName: 'A', additionalSubmission: 'x' }, 'additionalSubmission'],
    ])('answers 400 naming the field for %s', async (_case, body, field) => {
      const response = await t.http.post('/contact').set(bearer()).send(body);
      expect(response.status).toBe(400);
      expect(response.body.fields).toContain(field);
      expect(response.body.message).toContain(field);
      expect(createSpy).not.toHaveBeenCalled();
    });

    it('reports a CRM refusal in the envelope and keeps the cache', async () => {
      await lookup('phoneNumber=%2B12125550142').expect(200);
      createSpy.mockRejectedValueOnce(AppException.crmRequestFailed('local', 'Duplicate person'));
      const response = await t.http
        .post('/contact')
        .set(bearer())
        .send({ phoneNumber: '+12125550142', newContactName: 'Tom Again' })
        .expect(200);
      expect(response.body).toMatchObject({ successful: false, returnMessage: { messageType: 'danger', message: 'Duplicate person' } });
      expect(await t.get(LocalCrmStore).findContactsByE164(['+12125550142'])).toHaveLength(1);
      expect(await t.get(ContactsService).cachedContacts(userId, '+12125550142')).toEqual([
        expect.objectContaining({ name: 'Tom Becker' }),
      ]);
    });

    it('answers successful: false when the connector creates nothing', async () => {
      // The interface allows an answer without contactInfo; the local connector's own type does not.
      createSpy.mockResolvedValueOnce({} as never);
      const response = await t.http
        .post('/contact')
        .set(bearer())
        .send({ phoneNumber: '+13105550199', newContactName: 'Nobody' })
        .expect(200);
      expect(response.body).toMatchObject({ successful: false, returnMessage: { messageType: 'danger' } });
      expect(response.body.contact).toBeUndefined();
    });

    it('answers 401 without a session', async () => {
      const response = await t.http.post('/contact').send({ phoneNumber: '+13105550100', newContactName: 'X' });
      expect(response.status).toBe(401);
      expect(createSpy).not.toHaveBeenCalled();
      expect(await t.get(LocalCrmStore).findContactsByE164(['+13105550100'])).toEqual([]);
    });
  });

  it('documents both routes in the OpenAPI document', async () => {
    const response = await t.http.get('/docs-json').expect(200);
    expect(response.body.paths['/contact']).toMatchObject({
      get: { operationId: 'getContact' },
      post: { operationId: 'postContact' },
    });
  });
});

describe('contacts with the cache turned off (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CONTACT_CACHE_TTL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks the CRM on every lookup when CONTACT_CACHE_TTL_SECONDS=0', async () => {
    const token = await t.login();
    const spy = vi.spyOn(t.get(LocalCrmConnector), 'findContact');
    for (let i = 0; i < 2; i++) {
      const response = await t.http.get('/contact?phoneNumber=%2B14155550100').set('Authorization', `Bearer ${token}`).expect(200);
      expect(response.body.contact[0]).toMatchObject({ name: 'Jane Smith' });
    }
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
