import { FakePipedriveServer } from '../fakes/fake-pipedrive.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';
import { DASHED_FORMS_NEED_OVERRIDING_FORMAT } from './phone-search.js';

const USER_ID = 41;

defineConnectorConformance({
  name: 'pipedrive',
  auth: 'oauth',
  logFormat: 'text/html',
  skip: { ...DASHED_FORMS_NEED_OVERRIDING_FORMAT },
  async start() {
    const fake = await FakePipedriveServer.start();
    fake.addUser({ id: USER_ID, name: 'Kit Pipedriver' });
    return {
      env: fake.env(),
      login: async (t) => {
        const code = fake.issueAuthorizationCode(USER_ID);
        return (await t.http.get('/oauth-callback').query({ state: 'platform=pipedrive', code }).expect(200)).body.jwtToken;
      },
      seedContact: ({ name, phone }) => ({ id: String(fake.addPerson({ name, phones: [phone] }).id) }),
      logs: () => [...fake.activities.values()].map((a) => ({ id: String(a.id), body: String(a.note ?? '') })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/api\/v2\/activities$/),
      expireCredentials: () => fake.expireAccessTokens(),
      refreshCount: () => fake.requests.filter((r) => r.path === '/oauth/token' && (r.body as { grant_type?: string })?.grant_type === 'refresh_token').length,
      close: () => fake.close(),
    };
  },
});
