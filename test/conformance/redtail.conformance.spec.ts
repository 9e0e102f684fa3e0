import { FakeRedtailServer } from '../fakes/fake-redtail.server.js';
import { failNextCreate } from './failures.js';
import { defineConnectorConformance } from './kit.js';

const USER = { username: 'kit.advisor', password: 'kit-pass' };

defineConnectorConformance({
  name: 'redtail',
  auth: 'apiKey',
  logFormat: 'text/html',
  newContactType: 'Contact',
  async start() {
    const fake = await FakeRedtailServer.start();
    fake.addUser({ id: 71, ...USER, first_name: 'Kit', last_name: 'Advisor' });
    return {
      env: { REDTAIL_API_BASE_URL: fake.apiRoot, REDTAIL_API_KEY: fake.apiKey },
      // The Redtail sign-in page has no apiKey field: the extension sends the user's name and password only.
      login: async (t) => (await t.http.post('/apiKeyLogin').send({ platform: 'redtail', additionalInfo: USER }).expect(200)).body.jwtToken,
      seedContact: ({ name, phone }) => {
        const [first, ...rest] = name.split(' ');
        const contact = fake.addContact({ first_name: first!, last_name: rest.join(' '), phones: [{ number: phone, phone_type: 1 }] });
        return { id: String(contact.id), type: 'Contact' };
      },
      // A logged call or message is a completed activity linked to the contact (completing is a
      // second request), so an activity left open, e.g. by a lost answer, does not count as logged.
      logs: () =>
        [...fake.activities.values()]
          .filter((activity) => activity.completed && activity.linked_contacts.length > 0)
          .map((activity) => ({ id: String(activity.id), body: activity.description ?? '' })),
      failNextLogCreate: (failure) => failNextCreate(fake, failure, 'POST', /^\/api\/public\/v1\/activities$/),
      close: () => fake.close(),
    };
  },
});
