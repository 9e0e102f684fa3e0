import { FakeNetSuiteServer } from '../fakes/fake-netsuite.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';

const REDIRECT_URI = 'https://app.example.com/netsuite/oauth';

defineConnectorConformance({
  name: 'netsuite',
  auth: 'oauth',
  logFormat: 'text/plain',
  newContactType: 'Contact',
  async start() {
    const fake = await FakeNetSuiteServer.start();
    const subsidiary = fake.addSubsidiary('Kit Inc', 'America/New_York');
    const employee = fake.addEmployee({ firstName: 'Kit', lastName: 'Seller', subsidiary });
    return {
      env: {
        NETSUITE_API_BASE_URL: fake.url,
        NETSUITE_OAUTH_BASE_URL: fake.url,
        NETSUITE_CLIENT_ID: fake.clientId,
        NETSUITE_CLIENT_SECRET: fake.clientSecret,
        NETSUITE_REDIRECT_URI: REDIRECT_URI,
      },
      // NetSuite's redirect carries the role, the entity and the account besides the code.
      login: async (t) => {
        const code = fake.issueAuthorizationCode(employee.id);
        const callbackUri = `${REDIRECT_URI}?state=${encodeURIComponent('platform=netsuite')}&role=3&entity=${employee.id}&company=7654321&code=${code}`;
        return (await t.http.get('/oauth-callback').query({ callbackUri, hostname: '7654321.app.netsuite.com' }).expect(200)).body.jwtToken;
      },
      seedContact: ({ name, phone }) => {
        const [firstName, ...rest] = name.split(' ');
        return { id: fake.addContact({ firstName, lastName: rest.join(' '), phone, subsidiary }).id, type: 'Contact' };
      },
      // Only phone calls attached to the contact count: one without it is not on the contact's record.
      logs: () => [...fake.phoneCalls.values()].filter((call) => !!call.contact).map((call) => ({ id: call.id, body: call.message ?? '' })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/services\/rest\/record\/v1\/phoneCall$/),
      expireCredentials: () => fake.expireAccessTokens(),
      refreshCount: () =>
        fake.requests.filter((r) => r.path === '/services/rest/auth/oauth2/v1/token' && (r.body as { grant_type?: string })?.grant_type === 'refresh_token').length,
      close: () => fake.close(),
    };
  },
});
