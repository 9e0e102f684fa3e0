import 'reflect-metadata';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { CountingCrm, CountingCrmModule } from './support/counting-crm.connector.js';
import { expectResponseMatchesContract } from './support/contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PIPEDRIVE_TOKEN = 'pd-api-token-name-search-0123456';

describe('GET /custom/contact/search: contacts by name (e2e)', () => {
  let t: TestApp;
  let fake: FakePipedriveServer;

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    fake.addUser({ id: 31, name: 'Sam Searcher' }, PIPEDRIVE_TOKEN);
    fake.addPerson({ name: 'Jane Smith', phones: ['+14155550100'], org_id: 7, org_name: 'Acme Ltd' });
    fake.addPerson({ name: 'Janet Jones', phones: ['+14155550101'] });
    fake.addPerson({ name: 'Bob Jones', phones: ['+14155550102'] });
    t = await createTestApp({
      env: fake.env(),
      imports: [CountingCrmModule.register(new CountingCrm())],
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const search = async (jwt: string, name: string) => {
    const path = `/custom/contact/search?name=${encodeURIComponent(name)}`;
    const response = await t.http.get(path).set('Authorization', `Bearer ${jwt}`);
    expectResponseMatchesContract('get', path, response);
    return response;
  };
  const names = (body: { contact: { name: string }[] }) => body.contact.map((contact) => contact.name);

  it('finds local CRM contacts whose name contains the text, ignoring case, and treats % and _ as text', async () => {
    const jwt = await t.login('local', 'demo');
    expect(names((await search(jwt, 'jane')).body)).toEqual(['Jane Smith']);
    expect(names((await search(jwt, 'e')).body)).toEqual(['Jane Smith', 'Tom Becker', 'Lee Garcia']);
    const none = await search(jwt, '%');
    expect(none.body).toMatchObject({ successful: true, contact: [], returnMessage: { messageType: 'warning' } });
  });

  it('asks Pipedrive for persons by name, with their deals and leads to choose from', async () => {
    const jwt = await t.login('pipedrive', PIPEDRIVE_TOKEN);
    const found = await search(jwt, 'Jan');
    expect(found.body.successful).toBe(true);
    expect(names(found.body)).toEqual(['Jane Smith', 'Janet Jones']);
    expect(found.body.contact[0]).toMatchObject({ id: expect.any(String), company: 'Acme Ltd', phone: '+14155550100' });
    const [request] = fake.requestsTo('GET', /^\/api\/v2\/persons\/search$/).slice(-1);
    expect(request.query).toMatchObject({ term: 'Jan', fields: 'name' });
    const tooShort = await search(jwt, 'J');
    expect(tooShort.body).toMatchObject({ successful: false, contact: [] });
    expect(tooShort.body.returnMessage.message).toMatch(/at least 2 characters/);
  });

  it('names a missing or blank name, and answers successful: false for a CRM without the search', async () => {
    const jwt = await t.login('local', 'demo');
    const missing = await t.http.get('/custom/contact/search').set('Authorization', `Bearer ${jwt}`).expect(400);
    expect(missing.body.fields).toEqual(['name']);
    const blank = await t.http.get('/custom/contact/search?name=%20%20').set('Authorization', `Bearer ${jwt}`).expect(400);
    expect(blank.body.fields).toEqual(['name']);
    const counting = await t.login('counting', 'any');
    const unsupported = await search(counting, 'Jane');
    expect(unsupported.body).toMatchObject({ successful: false, contact: [] });
  });

  it('tells the extension, through the manifest, which connectors offer the search', async () => {
    const manifest = await t.http.get('/crmManifest').expect(200);
    expect(manifest.body.platforms.local.page.useContactSearch).toBe(true);
    expect(manifest.body.platforms.pipedrive.page.useContactSearch).toBe(true);
    expect(manifest.body.platforms.counting.page.useContactSearch).toBe(false);
  });
});
