import { JwtService } from '@nestjs/jwt';
import { toE164 } from '../../src/common/phone-number.js';
import { LocalCrmStore } from '../../src/connectors/local/local-crm.store.js';
import type { TestApp } from '../support/test-app.js';
import { defineConnectorConformance, type ConformanceFake } from './kit.js';

const NO_HTTP = 'the local CRM keeps its data in our database: there is no CRM HTTP answer to fail or lose (the outbox suite covers those with a counting connector)';

/** The local CRM has no fake server: its "CRM" is its own tables, read through its store. */
const localCrm = async (): Promise<ConformanceFake> => {
  let app: TestApp | undefined;
  let ownerId = '';
  const store = () => app!.get(LocalCrmStore);
  return {
    env: {},
    login: async (t) => {
      app = t;
      const jwt = await t.login('local', 'demo');
      ownerId = (new JwtService().decode(jwt) as { sub: string }).sub.replace(/^local-/, '');
      return jwt;
    },
    seedContact: async ({ name, phone }) => {
      const contact = await store().createContact({ name, phoneNumber: phone, phoneE164: toE164(phone, 'US'), type: 'Contact', company: null, email: null });
      return { id: String(contact.id), type: 'Contact' };
    },
    logs: async () => (await store().listActivities(ownerId)).map((a) => ({ id: String(a.id), body: a.body })),
    close: async () => {},
  };
};

for (const logFormat of ['text/plain', 'text/html', 'text/markdown'] as const) {
  defineConnectorConformance({
    name: 'local',
    auth: 'apiKey',
    logFormat,
    env: { LOCAL_CRM_LOG_FORMAT: logFormat },
    start: localCrm,
    skip: { failureInjection: NO_HTTP },
  });
}
