/**
 * The fake Pipedrive as its own process, driven over IPC by bench/run.ts.
 *
 * A separate process rather than a server inside the load generator: the CRM is remote
 * in production, so its answers must not wait behind autocannon's event loop, and the
 * requests it records must not count towards anybody's memory.
 */
import { FakePipedriveServer } from '../test/fakes/fake-pipedrive.server.js';
import type { FakeCrmCommand, FakeCrmReady, FakeCrmReply, FakeCrmStats } from './lib/fake-crm.client.js';

const USERS = 8;

async function main(): Promise<void> {
  if (!process.send) throw new Error('fake-crm.process must be started with an IPC channel (fork)');
  const fake = await FakePipedriveServer.start();
  const apiTokens: string[] = [];
  const personIds: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const token = `bench-api-token-${i}-0123456789abcdef`;
    // One company, as a team sharing a Pipedrive account: activity types are cached per company.
    fake.addUser({ id: 100 + i, name: `Bench Agent ${i}`, timezone_name: 'Europe/Tallinn' }, token);
    apiTokens.push(token);
    personIds.push(fake.addPerson({ name: `Bench Contact ${i}`, phones: [`+1415555${String(1000 + i)}`], org_id: 500 + i }).id);
  }

  process.on('message', (command: FakeCrmCommand) => {
    let reply: FakeCrmReply;
    switch (command.cmd) {
      case 'latency':
        fake.latencyMs = command.ms;
        reply = { id: command.id, ok: true };
        break;
      case 'reset':
        fake.reset();
        reply = { id: command.id, ok: true };
        break;
      case 'stats':
        reply = { id: command.id, ok: true, stats: stats(fake) };
        break;
    }
    process.send!(reply);
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));

  const ready: FakeCrmReady = { type: 'ready', url: fake.url, apiTokens, personIds };
  process.send(ready);
}

/** Request counts since the last reset, in total and per route (ids folded into `:id`). */
function stats(fake: FakePipedriveServer): FakeCrmStats {
  const byRoute: Record<string, number> = {};
  for (const request of fake.requests) {
    const route = `${request.method} ${request.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  }
  return { total: fake.requests.length, byRoute };
}

void main();
