import { FakeBullhornServer } from '../fakes/fake-bullhorn.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';

const USER_ID = 71;
const USERNAME = 'kit.recruiter';

defineConnectorConformance({
  name: 'bullhorn',
  auth: 'oauth',
  logFormat: 'text/html',
  newContactType: 'Candidate',
  async start() {
    const fake = await FakeBullhornServer.start();
    fake.addUser({ id: USER_ID, username: USERNAME, firstName: 'Kit', lastName: 'Recruiter' });
    return {
      env: {
        BULLHORN_REST_BASE_URL: fake.url,
        BULLHORN_OAUTH_BASE_URL: fake.url,
        BULLHORN_CLIENT_ID: fake.clientId,
        BULLHORN_CLIENT_SECRET: fake.clientSecret,
        BULLHORN_REDIRECT_URI: 'https://app.example.com/bullhorn/oauth',
      },
      login: async (t) => {
        const code = fake.issueAuthorizationCode(USER_ID);
        return (await t.http.get('/oauth-callback').query({ state: 'platform=bullhorn', code, username: USERNAME }).expect(200)).body.jwtToken;
      },
      seedContact: ({ name, phone }) => {
        const [firstName, ...rest] = name.split(' ');
        const person = fake.addPerson('Candidate', { firstName: firstName!, lastName: rest.join(' '), phone });
        return { id: String(person.id), type: 'Candidate' };
      },
      logs: () => [...fake.notes.values()].map((n) => ({ id: String(n.id), body: n.comments })),
      // Bullhorn creates entities with PUT.
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'PUT', /^\/rest-services\/corp7\/entity\/Note$/),
      // Bullhorn's REST session is what expires; it is renewed through the refresh token.
      expireCredentials: () => fake.expireSessions(),
      refreshCount: () => fake.requests.filter((r) => r.path === '/oauth/token' && (r.body as { grant_type?: string })?.grant_type === 'refresh_token').length,
      close: () => fake.close(),
    };
  },
});
