import autocannon from 'autocannon';
import type { FakeCrm, FakeCrmStats } from './fake-crm.client.js';
import type { BenchServer } from './server.process.js';

export type WorkloadKind = 'messageLog' | 'callLog' | 'messageBatch50';

export interface Workload {
  /** e.g. message-8c-0ms */
  id: string;
  kind: WorkloadKind;
  clients: number;
  latencyMs: number;
  /** Workloads a target is judged on get `reps` repetitions; the median is reported. */
  key: boolean;
}

/** What the load goes through: the server, the fake CRM, and who is logged in. */
export interface Rig {
  server: BenchServer;
  crm: FakeCrm;
  /** App Connect JWTs, one per fake Pipedrive user */
  jwts: string[];
  personIds: number[];
}

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  crm: FakeCrmStats & { perRequest: number };
  serverCpuMsPerRequest: number;
  maxRssMb: number;
  /** connection errors + timeouts + non-2xx + 2xx answers whose body says it did not work */
  failures: { errors: number; timeouts: number; non2xx: number; unsuccessful: number; samples: string[] };
  bodiesChecked: number;
}

export interface BatchResult {
  batches: number;
  wallMs: { p50: number; p90: number; max: number; all: number[] };
  crmRequests: { p50: number; max: number; all: number[]; byRoute: Record<string, number> };
  maxRssMb: number;
  failures: { unsuccessful: number; samples: string[] };
}

const MESSAGES_PER_CONVERSATION = 20;
const ME = { phoneNumber: '+16505550199', extensionNumber: '101' };
const DAY_START = Date.parse('2026-06-24T01:00:00.000Z');

// Unique across every run against one server, so no request ever repeats an earlier one.
let nextMessageId = 7_000_000_000;
let nextConversationId = 9_000_000;
let nextSession = 1;

function contactOf(rig: Rig, index: number) {
  const personId = rig.personIds[index % rig.personIds.length];
  return { id: personId, name: `Bench Contact ${index % rig.personIds.length}`, phoneNumber: `+1415555${1000 + (index % rig.personIds.length)}` };
}

function sms(id: number, minute: number, conversationId: number, contact: { phoneNumber: string; name: string }) {
  const inbound = id % 2 === 1;
  const them = { phoneNumber: contact.phoneNumber, name: contact.name };
  return {
    id,
    type: 'SMS',
    direction: inbound ? 'Inbound' : 'Outbound',
    from: inbound ? them : ME,
    to: [inbound ? ME : them],
    subject: `Benchmark message ${id}: can we move the call to Thursday afternoon?`,
    creationTime: new Date(DAY_START + minute * 60_000).toISOString(),
    conversationId,
  };
}

export function messageLogBody(rig: Rig, conversationId: number, firstMinute: number, count: number) {
  const contact = contactOf(rig, conversationId);
  const messages = Array.from({ length: count }, (_, i) => sms(nextMessageId++, firstMinute + i, conversationId, contact));
  return {
    contactId: String(contact.id),
    contactName: contact.name,
    contactType: 'Contact',
    logInfo: {
      conversationId,
      correspondents: [{ phoneNumber: contact.phoneNumber, name: contact.name }],
      messages,
    },
  };
}

export function callLogBody(rig: Rig, session: number) {
  const contact = contactOf(rig, session);
  const sessionId = `bench-session-${session}`;
  return {
    logInfo: {
      id: `bench-call-${session}`,
      sessionId,
      direction: session % 2 ? 'Inbound' : 'Outbound',
      from: { phoneNumber: '+16505550199', extensionNumber: '101' },
      to: { phoneNumber: contact.phoneNumber, name: contact.name },
      startTime: new Date(DAY_START + (session % 600) * 60_000).toISOString(),
      duration: 60 + (session % 300),
      result: 'Call connected',
      recording: { link: `https://media.example.com/recording/${session}` },
    },
    hashedExtensionId: `hashed-ext-${session % 8}`,
    contactId: String(contact.id),
    contactName: contact.name,
    contactType: 'Contact',
    note: 'Discussed the renewal and next steps.',
  };
}

type Request = autocannon.Request;
type Context = { conversationId?: number; jwt?: string };

/** The request list of one autocannon connection. */
function requestsFor(rig: Rig, kind: 'messageLog' | 'callLog', check: (body: string) => void): Request[] {
  const onResponse = (_status: number, body: string) => check(body);
  if (kind === 'callLog') {
    return [
      {
        method: 'POST',
        path: '/callLog',
        setupRequest: (request: Request) => {
          const session = nextSession++;
          return {
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${rig.jwts[session % rig.jwts.length]}` },
            body: JSON.stringify(callLogBody(rig, session)),
          };
        },
        onResponse,
      },
    ];
  }
  // autocannon clears the context whenever a connection wraps around its list: twenty
  // requests are one conversation (1 create + 19 updates), and the wrap starts the next.
  return Array.from({ length: MESSAGES_PER_CONVERSATION }, (_, index) => ({
    method: 'POST' as const,
    path: '/messageLog',
    setupRequest: (request: Request, context: object) => {
      const ctx = context as Context;
      if (index === 0 || ctx.conversationId === undefined) {
        ctx.conversationId = nextConversationId++;
        ctx.jwt = rig.jwts[ctx.conversationId % rig.jwts.length];
      }
      return {
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${ctx.jwt}` },
        body: JSON.stringify(messageLogBody(rig, ctx.conversationId, index, 1)),
      };
    },
    onResponse,
  }));
}

/** Checks every 2xx body: a benchmark that counts failures as throughput measures nothing. */
class BodyChecker {
  checked = 0;
  unsuccessful = 0;
  readonly samples: string[] = [];

  constructor(private readonly kind: WorkloadKind) {}

  check = (body: string): void => {
    this.checked++;
    let ok = false;
    try {
      const parsed = JSON.parse(String(body)) as { successful?: boolean; logId?: unknown; logIds?: unknown[] };
      ok =
        parsed.successful === true &&
        (this.kind === 'callLog'
          ? typeof parsed.logId === 'string' && parsed.logId.length > 0
          : Array.isArray(parsed.logIds) && parsed.logIds.length === (this.kind === 'messageBatch50' ? 50 : 1));
    } catch {
      ok = false;
    }
    if (!ok) {
      this.unsuccessful++;
      if (this.samples.length < 3) this.samples.push(String(body).slice(0, 300));
    }
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets requests still in flight (server and CRM) finish before the counters are read or reset. */
const settle = (latencyMs: number) => pause(250 + 4 * latencyMs);

async function cannon(rig: Rig, workload: Workload, seconds: number, check: (body: string) => void) {
  return autocannon({
    url: rig.server.url,
    connections: workload.clients,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json' },
    requests: requestsFor(rig, workload.kind as 'messageLog' | 'callLog', check),
  });
}

/** Warm-up (not counted), then `reps` measured runs of `seconds` each. */
export async function runLoad(rig: Rig, workload: Workload, seconds: number, warmupS: number, reps: number): Promise<LoadResult[]> {
  await rig.crm.setLatency(workload.latencyMs);
  if (warmupS > 0) {
    await cannon(rig, workload, warmupS, () => undefined);
    await settle(workload.latencyMs);
  }
  const results: LoadResult[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await rig.crm.reset();
    rig.server.resetWindow();
    const cpuBefore = rig.server.sample()?.cpuMs ?? NaN;
    const checker = new BodyChecker(workload.kind);
    const result = await cannon(rig, workload, seconds, checker.check);
    await settle(workload.latencyMs);
    const cpuAfter = rig.server.sample()?.cpuMs ?? NaN;
    const crm = await rig.crm.stats();
    const requests = result.requests.total;
    results.push({
      requests,
      durationS: result.duration,
      rps: round(requests / result.duration, 1),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
        mean: round(result.latency.average, 2),
      },
      crm: { ...crm, perRequest: requests ? round(crm.total / requests, 3) : NaN },
      serverCpuMsPerRequest: requests ? round((cpuAfter - cpuBefore) / requests, 3) : NaN,
      maxRssMb: kbToMb(rig.server.windowMaxRssKb),
      failures: {
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        unsuccessful: checker.unsuccessful,
        samples: checker.samples,
      },
      bodiesChecked: checker.checked,
    });
  }
  return results;
}

/** One POST /messageLog with 50 new messages of one new conversation and day, `count` times in a row. */
export async function runBatches(rig: Rig, latencyMs: number, count: number, warmup: number): Promise<BatchResult> {
  await rig.crm.setLatency(latencyMs);
  rig.server.resetWindow();
  const checker = new BodyChecker('messageBatch50');
  const wall: number[] = [];
  const crm: number[] = [];
  const byRoute: Record<string, number> = {};
  for (let i = 0; i < warmup + count; i++) {
    const conversationId = nextConversationId++;
    const body = JSON.stringify(messageLogBody(rig, conversationId, 0, 50));
    await rig.crm.reset();
    const started = performance.now();
    const response = await fetch(`${rig.server.url}/messageLog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.jwts[conversationId % rig.jwts.length]}` },
      body,
    });
    const text = await response.text();
    const elapsed = performance.now() - started;
    if (i < warmup) continue;
    if (response.ok) checker.check(text);
    else {
      checker.unsuccessful++;
      if (checker.samples.length < 3) checker.samples.push(`${response.status} ${text.slice(0, 300)}`);
    }
    const stats = await rig.crm.stats();
    wall.push(round(elapsed, 1));
    crm.push(stats.total);
    for (const [route, n] of Object.entries(stats.byRoute)) byRoute[route] = (byRoute[route] ?? 0) + n;
  }
  return {
    batches: count,
    wallMs: { p50: percentile(wall, 50), p90: percentile(wall, 90), max: Math.max(...wall), all: wall },
    crmRequests: { p50: percentile(crm, 50), max: Math.max(...crm), all: crm, byRoute },
    maxRssMb: kbToMb(rig.server.windowMaxRssKb),
    failures: { unsuccessful: checker.unsuccessful, samples: checker.samples },
  };
}

/**
 * What the extension does before it logs against a contact: looks it up with
 * GET /contact. Done once per contact when a rig is set up, not measured.
 */
export async function lookUpContacts(rig: Rig): Promise<void> {
  for (let index = 0; index < rig.personIds.length; index++) {
    const contact = contactOf(rig, index);
    const response = await fetch(`${rig.server.url}/contact?phoneNumber=${encodeURIComponent(contact.phoneNumber)}`, {
      headers: { authorization: `Bearer ${rig.jwts[index % rig.jwts.length]}` },
    });
    const body = (await response.json()) as { successful?: boolean; contact?: { id: string | number }[] };
    if (!response.ok || !body.contact?.some((found) => String(found.id) === String(contact.id))) {
      throw new Error(`contact lookup failed: ${response.status} ${JSON.stringify(body)}`);
    }
  }
}

/** Logs every fake user in through POST /apiKeyLogin and answers their JWTs. */
export async function loginAll(serverUrl: string, apiTokens: string[]): Promise<string[]> {
  const jwts: string[] = [];
  for (const apiKey of apiTokens) {
    const response = await fetch(`${serverUrl}/apiKeyLogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'pipedrive', apiKey }),
    });
    const body = (await response.json()) as { jwtToken?: string };
    if (!response.ok || !body.jwtToken) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
    jwts.push(body.jwtToken);
  }
  return jwts;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);
export const round = (value: number, digits: number) => Number(value.toFixed(digits));
export const kbToMb = (kb: number) => round(kb / 1024, 1);
