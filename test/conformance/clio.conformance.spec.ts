import { FakeClioServer } from '../fakes/fake-clio.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';
import { DASHED_FORMS_NEED_OVERRIDING_FORMAT } from './phone-search.js';

const USER_ID = 345;

defineConnectorConformance({
  name: 'clio',
  auth: 'oauth',
  logFormat: 'text/plain',
  newContactType: 'Person',
  skip: { ...DASHED_FORMS_NEED_OVERRIDING_FORMAT },
  async start() {
    const fake = await FakeClioServer.start();
    fake.addUser({ id: USER_ID, name: 'Kit Counsel' });
    return {
      env: {
        CLIO_API_BASE_URL: fake.url,
        CLIO_OAUTH_BASE_URL: fake.url,
        CLIO_CLIENT_ID: fake.clientId,
        CLIO_CLIENT_SECRET: fake.clientSecret,
        CLIO_REDIRECT_URI: 'https://app.example.com/clio/oauth',
      },
      login: async (t) => {
        const code = fake.issueAuthorizationCode(USER_ID);
        return (await t.http.get('/oauth-callback').query({ state: 'platform=clio', code, hostname: 'app.clio.com' }).expect(200)).body.jwtToken;
      },
      seedContact: ({ name, phone }) => {
        const contact = fake.addContact({ name, phones: [phone] });
        return { id: String(contact.id), type: contact.type };
      },
      logs: () => [...fake.communications.values()].map((c) => ({ id: String(c.id), body: c.body ?? '' })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/api\/v4\/communications\.json$/),
      expireCredentials: () => fake.expireAccessTokens(),
      refreshCount: () => fake.requests.filter((r) => r.path === '/oauth/token' && (r.body as { grant_type?: string })?.grant_type === 'refresh_token').length,
      close: () => fake.close(),
    };
  },
});
