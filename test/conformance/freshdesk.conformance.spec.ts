import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFreshdeskServer } from '../fakes/fake-freshdesk.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';

const API_KEY = 'fd-kit-key-0123456789';
const HOST = 'kit.freshdesk.com';

/** The shipped config as it is, its base URL pointed at the fake instead of the user's host. */
function shippedConfigAt(url: string): string {
  const config = JSON.parse(readFileSync(new URL('../../connectors/freshdesk.json', import.meta.url), 'utf8'));
  config.requestDefaults.baseUrl = `${url}/api/v2`;
  const dir = mkdtempSync(join(tmpdir(), 'kit-freshdesk-'));
  writeFileSync(join(dir, 'freshdesk.json'), JSON.stringify(config));
  return dir;
}

const EXACT_PHONE = 'Freshdesk filters contacts by the phone exactly as stored; the config sends the E.164 form only';

defineConnectorConformance({
  name: 'freshdesk',
  auth: 'apiKey',
  logFormat: 'text/html',
  skip: {
    'phone:international': EXACT_PHONE,
    'phone:national': EXACT_PHONE,
    'phone:dashed': EXACT_PHONE,
    'phone:digits': EXACT_PHONE,
  },
  async start() {
    const fake = await FakeFreshdeskServer.start();
    fake.agents.set(API_KEY, { id: 77, name: 'Kit Agent', email: 'kit@acme.example' });
    return {
      env: { CONNECTOR_CONFIG_DIR: shippedConfigAt(fake.url) },
      login: async (t) => (await t.http.post('/apiKeyLogin').send({ platform: 'freshdesk', apiKey: API_KEY, hostname: HOST }).expect(200)).body.jwtToken,
      seedContact: ({ name, phone }) => ({ id: String(fake.addContact({ name, phone }).id) }),
      logs: () => [...fake.tickets.values()].map((ticket) => ({ id: String(ticket.id), body: ticket.description })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/api\/v2\/tickets$/),
      close: () => fake.close(),
    };
  },
});
