import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeHubSpotServer } from '../fakes/fake-hubspot.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';

const USER_ID = 611;
const REDIRECT_URI = 'https://app.example.com/hubspot/oauth';

/** The shipped config as it is, its API and token endpoint pointed at the fake. */
function shippedConfigAt(url: string): string {
  const config = JSON.parse(readFileSync(new URL('../../connectors/hubspot.json', import.meta.url), 'utf8'));
  config.requestDefaults.baseUrl = url;
  config.auth.oauth.tokenUrl = `${url}/oauth/v1/token`;
  const dir = mkdtempSync(join(tmpdir(), 'kit-hubspot-'));
  writeFileSync(join(dir, 'hubspot.json'), JSON.stringify(config));
  return dir;
}

const EXACT_PHONE = 'the config searches phone and mobilephone for the E.164 form with EQ, which matches the number only as stored';

defineConnectorConformance({
  name: 'hubspot',
  auth: 'oauth',
  logFormat: 'text/html',
  skip: {
    'phone:international': EXACT_PHONE,
    'phone:national': EXACT_PHONE,
    'phone:dashed': EXACT_PHONE,
    'phone:digits': EXACT_PHONE,
  },
  async start() {
    const fake = await FakeHubSpotServer.start();
    fake.addUser({ user_id: USER_ID, user: 'kit.agent@example.com' });
    return {
      env: {
        CONNECTOR_CONFIG_DIR: shippedConfigAt(fake.url),
        HUBSPOT_CLIENT_ID: fake.clientId,
        HUBSPOT_CLIENT_SECRET: fake.clientSecret,
        HUBSPOT_REDIRECT_URI: REDIRECT_URI,
      },
      login: async (t) => {
        const code = fake.issueAuthorizationCode(USER_ID);
        return (await t.http.get('/oauth-callback').query({ state: 'platform=hubspot', code }).expect(200)).body.jwtToken;
      },
      seedContact: ({ name, phone }) => {
        const [firstname, ...rest] = name.split(' ');
        return { id: fake.addContact({ firstname: firstname!, lastname: rest.join(' '), phone }).id };
      },
      logs: () =>
        [
          ...[...fake.objects.calls.values()].map((call) => ({ id: call.id, body: call.properties.hs_call_body ?? '' })),
          ...[...fake.objects.communications.values()].map((sms) => ({ id: sms.id, body: sms.properties.hs_communication_body ?? '' })),
        ].sort((a, b) => Number(a.id) - Number(b.id)),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/crm\/v3\/objects\/calls$/),
      expireCredentials: () => fake.expireAccessTokens(),
      refreshCount: () => fake.requests.filter((r) => r.path === '/oauth/v1/token' && (r.body as { grant_type?: string })?.grant_type === 'refresh_token').length,
      close: () => fake.close(),
    };
  },
});
