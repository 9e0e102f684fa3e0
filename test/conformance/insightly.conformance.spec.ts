import { FakeInsightlyServer } from '../fakes/fake-insightly.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';
import { DASHED_FORMS_NEED_OVERRIDING_FORMAT } from './phone-search.js';

const API_KEY = 'insightly-kit-key';

defineConnectorConformance({
  name: 'insightly',
  auth: 'apiKey',
  logFormat: 'text/plain',
  newContactType: 'Contact',
  // Insightly matches field_value against the phone as typed; the connector searches the usual written forms.
  skip: { ...DASHED_FORMS_NEED_OVERRIDING_FORMAT },
  async start() {
    const fake = await FakeInsightlyServer.start();
    fake.addUser({ USER_ID: 701, FIRST_NAME: 'Kit', LAST_NAME: 'Agent' }, API_KEY);
    return {
      env: { INSIGHTLY_API_BASE_URL: fake.apiRoot },
      login: async (t) =>
        (
          await t.http
            .post('/apiKeyLogin')
            .send({ platform: 'insightly', apiKey: API_KEY, hostname: 'crm.na1.insightly.com', additionalInfo: { apiUrl: 'https://api.na1.insightly.com/v3.1' } })
            .expect(200)
        ).body.jwtToken,
      seedContact: ({ name, phone }) => {
        const [first, ...rest] = name.split(' ');
        const person = fake.addPerson('Contact', { FIRST_NAME: first!, LAST_NAME: rest.join(' '), PHONE: phone });
        return { id: String(person.id), type: 'Contact' };
      },
      // An event is a log once it is linked to the person (a second request after the create),
      // so an event left unlinked, e.g. by a lost answer, does not count as logged.
      logs: () =>
        [...fake.events.values()]
          .filter((event) => event.LINKS.some((link) => link.LINK_OBJECT_NAME === 'Contact'))
          .map((event) => ({ id: String(event.EVENT_ID), body: event.DETAILS ?? '' })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/v3\.1\/events$/i),
      close: () => fake.close(),
    };
  },
});
