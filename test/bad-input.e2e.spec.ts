import 'reflect-metadata';
import { gzipSync } from 'node:zlib';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { FakeRingCentralServer } from './fakes/fake-ringcentral.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Malformed requests over every route, generated from one valid request per route by a
 * seeded PRNG (so a failure replays), bounded in number. For each: never a 500; a
 * rejected request is a 4xx whose `fields` name what is wrong; and the fake Pipedrive
 * receives no write for it.
 */

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261201);
const MUTATIONS_PER_ROUTE = 40;
const PD_TOKEN = 'pd-api-token-bad-input-0123456789';
const RC_ADMIN = 'rc-admin-token';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Route {
  method: 'get' | 'post' | 'patch' | 'put';
  path: string;
  /** A request the server accepts; mutations start from it. */
  body?: () => JsonObject;
  query?: () => Record<string, string>;
  session?: boolean;
  rcToken?: boolean;
  /** Subtrees whose shape is the client's (free-form objects): a changed type there is not an error. */
  freeForm?: string[];
  /** Whether valid JSON may be sent at all (a well-formed body to /unAuthorize would log us out). */
  mutateJson?: boolean;
  /** Parameters a route reports under another name (crmManifest's platformName is "platform"). */
  reportedAs?: Record<string, string>;
}

interface Case {
  route: Route;
  label: string;
  /** Raw bytes and headers to send instead of JSON. */
  raw?: { body: Buffer | string; headers: Record<string, string> };
  json?: Json;
  /** Query pairs, in order; a key may repeat. */
  query?: [string, string][];
  /** Must the server refuse it? Otherwise only "no 500" is checked. */
  mustReject: boolean;
  /** The path the mutation touched: a rejection must name it, a prefix of it, or something inside it. */
  at?: string;
}

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fake Pipedrive's person the valid requests log against (set once the fake runs). */
let contactId = '';
/** A call logged before the cases run, so PATCH /callLog has something to update. */
const PATCHED_SESSION = 'bad-input-patched-session';

const sessionId = () => `bad-${Math.random().toString(36).slice(2)}`;
const messageId = () => `msg-${Math.random().toString(36).slice(2)}`;

/**
 * Each accepted case gets its own call session and message ids, so it reaches the CRM
 * instead of being answered "already logged" (which would check nothing). Only the ids
 * the templates made are replaced: a mutated id stays as the case made it.
 */
function freshIds(body: Json): Json {
  // Copies only the path it changes: a case may nest thousands of levels deep elsewhere.
  const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(body) || !isObject(body.logInfo)) return body;
  const logInfo: JsonObject = { ...body.logInfo };
  if (typeof logInfo.sessionId === 'string' && logInfo.sessionId.startsWith('bad-')) logInfo.sessionId = sessionId();
  if (Array.isArray(logInfo.messages)) {
    logInfo.messages = logInfo.messages.map((message) =>
      isObject(message) && typeof message.id === 'string' && message.id.startsWith('msg-') ? { ...message, id: messageId() } : message,
    );
  }
  return { ...body, logInfo };
}

const callLogBody = (): JsonObject => ({
  logInfo: {
    id: 'rc-1',
    sessionId: sessionId(),
    direction: 'Outbound',
    type: 'Voice',
    from: { phoneNumber: '+16505550199', extensionNumber: '101' },
    to: { phoneNumber: '+14155550100', name: 'Jane Smith' },
    startTime: '2026-06-24T02:30:00.000Z',
    duration: 125,
    result: 'Call connected',
    recording: { id: 'rec-1', type: 'Automatic', link: 'https://media.ringcentral.com/recording/1' },
    legs: [{ direction: 'Outbound', action: 'VoIP Call', startTime: '2026-06-24T02:30:00.000Z', duration: 125, from: { phoneNumber: '+16505550199' }, to: { phoneNumber: '+14155550100' } }],
  },
  hashedExtensionId: 'hashed-ext-101',
  contactId,
  contactName: 'Jane Smith',
  note: 'A note',
  additionalSubmission: { deals: 'none' },
});

const messageLogBody = (): JsonObject => ({
  logInfo: {
    conversationId: '5578984350117917661',
    correspondents: [{ phoneNumber: '+14155550100', name: 'Jane Smith' }],
    messages: [
      {
        id: messageId(),
        type: 'SMS',
        direction: 'Inbound',
        subject: 'Hello there',
        from: { phoneNumber: '+14155550100', name: 'Jane Smith' },
        to: [{ phoneNumber: '+16505550199', extensionNumber: '101' }],
        creationTime: '2026-06-24T03:15:00.000Z',
        attachments: [{ id: 1, type: 'MmsAttachment', uri: 'https://media.ringcentral.com/mms/1', contentType: 'image/png' }],
      },
    ],
  },
  contactId,
  contactName: 'Jane Smith',
  additionalSubmission: { note: 'x' },
});

const ROUTES: Route[] = [
  { method: 'post', path: '/apiKeyLogin', body: () => ({ platform: 'pipedrive', apiKey: PD_TOKEN, hostname: 'acme.pipedrive.com', additionalInfo: { timezone: 'UTC' } }), freeForm: ['additionalInfo'] },
  { method: 'get', path: '/oauth-callback', query: () => ({ state: 'platform=pipedrive', code: 'no-such-code' }) },
  { method: 'post', path: '/unAuthorize', session: true, mutateJson: false },
  { method: 'get', path: '/contact', session: true, query: () => ({ phoneNumber: '+14155550100' }) },
  { method: 'post', path: '/contact', session: true, body: () => ({ phoneNumber: '+14155550123', newContactName: 'New Person', newContactType: 'Contact' }), freeForm: ['additionalSubmission'] },
  { method: 'post', path: '/callLog', session: true, body: callLogBody, freeForm: ['additionalSubmission'] },
  { method: 'patch', path: '/callLog', session: true, body: () => ({ sessionId: PATCHED_SESSION, hashedExtensionId: 'hashed-ext-101', note: 'x', recordingLink: 'https://media.ringcentral.com/r/1', startTime: 1782268200000, duration: 10 }), freeForm: ['additionalSubmission'] },
  { method: 'get', path: '/callLog', session: true, query: () => ({ sessionIds: '1,2', requireDetails: 'false' }) },
  { method: 'post', path: '/messageLog', session: true, body: messageLogBody, freeForm: ['additionalSubmission'] },
  { method: 'get', path: '/userInfoHash', query: () => ({ extensionId: '62264425001', accountId: '37439510' }) },
  { method: 'get', path: '/user/settings', session: true, query: () => ({}) },
  { method: 'post', path: '/user/settings', session: true, body: () => ({ userSettings: { theme: { value: 'dark' } }, settingKeysToRemove: ['old'] }), freeForm: ['userSettings.theme'] },
  { method: 'post', path: '/user/refreshInfo', session: true, body: () => ({}) },
  { method: 'get', path: '/user/preloadSettings', rcToken: true, query: () => ({}) },
  { method: 'get', path: '/admin/settings', session: true, rcToken: true, query: () => ({}) },
  { method: 'post', path: '/admin/settings', rcToken: true, body: () => ({ adminSettings: { userSettings: { theme: { value: 'light' } } } }), freeForm: ['adminSettings'] },
  { method: 'get', path: '/crmManifest', query: () => ({ platformName: 'pipedrive' }) },
  { method: 'get', path: '/isAlive' },
  { method: 'get', path: '/custom/contact/search', session: true, query: () => ({ name: 'Jane' }) },
  { method: 'get', path: '/accountData', session: true, query: () => ({ keys: 'activityTypes', forceRefresh: 'false' }) },
  { method: 'post', path: '/callLog/cacheNote', session: true, body: () => ({ sessionId: PATCHED_SESSION, note: 'Typed during the call' }) },
  { method: 'put', path: '/callDisposition', session: true, body: () => ({ sessionId: PATCHED_SESSION, hashedExtensionId: 'hashed-ext-101', dispositions: { deals: '1' } }), freeForm: ['dispositions'] },
  { method: 'get', path: '/calldown', session: true, query: () => ({ status: 'called' }) },
  { method: 'post', path: '/calldown', session: true, body: () => ({ contactId: '1', contactName: 'Jane Smith', phoneNumber: '+14155550100', note: 'Call back', scheduledAt: '2026-12-03T09:00:00.000Z' }) },
];

// ---- mutations of JSON bodies -------------------------------------------------------

function leaves(value: Json, path: string[] = []): { path: string[]; value: Json }[] {
  const here = path.length ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => leaves(item, [...path, String(i)]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]))];
  }
  return here;
}

function setAt(root: Json, path: string[], replacement: Json): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

const nested = (depth: number): Json => {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? { deeper: value } : [value];
  return value;
};

/** Values of another kind than `value`: each must be refused where `value` was declared. */
function otherKinds(value: Json): Json[] {
  if (value === null) return [];
  if (Array.isArray(value)) return ['x', { '0': value[0] ?? null }, null, 1];
  if (typeof value === 'object') return ['x', 1, [value], null];
  if (typeof value === 'string') return [true, {}, [], null, { toString: 'x' }];
  if (typeof value === 'number') return [true, {}, [], null];
  return ['true', 1, null, {}];
}

const DATE_FIELDS = /(^|\.)(creationTime|startTime)$/;
const BAD_DATES = ['2026-02-30T10:00:00Z', '2025-02-29T00:00:00Z', '2026-06-24', '2026-06-24T10:00:00', 'yesterday', '2026-13-01T00:00:00Z'];
const URL_FIELDS = /(^|\.)(recordingLink|link|uri|contentUri|ringSenseLink)$/;
const BAD_URLS = ['not a url', 'javascript:alert(1)', 'ftp://media.ringcentral.com/x', '//no-scheme.example/x'];

function jsonCases(route: Route, random: () => number): Case[] {
  const valid = route.body!();
  const cases: Case[] = [];
  const declared = leaves(valid).filter(({ path }) => {
    const dotted = path.join('.');
    return !(route.freeForm ?? []).some((free) => dotted === free || dotted.startsWith(`${free}.`)) || (route.freeForm ?? []).includes(dotted);
  });
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const kinds = declared.length
    ? ['type', 'type', 'type', 'huge-string', 'huge-array', 'deep', 'proto', 'date', 'url', 'markup', 'extra']
    : ['deep', 'proto', 'extra'];

  for (let i = 0; i < MUTATIONS_PER_ROUTE; i++) {
    const kind = pick(kinds);
    const target = declared.length ? pick(declared) : { path: [] as string[], value: null };
    const at = target.path.join('.');
    switch (kind) {
      case 'type': {
        const replacement = pick(otherKinds(target.value));
        if (replacement === undefined) break;
        // A free-form object may hold anything, but it must stay an object.
        const isFreeRoot = (route.freeForm ?? []).includes(at);
        cases.push({ route, label: `${at} as ${JSON.stringify(replacement)}`, json: setAt(valid, target.path, replacement), mustReject: !isFreeRoot || typeof replacement !== 'object' || replacement === null || Array.isArray(replacement), at });
        break;
      }
      case 'huge-string':
        if (typeof target.value === 'string') {
          cases.push({ route, label: `${at} 300k chars`, json: setAt(valid, target.path, 'x'.repeat(300_000)), mustReject: true, at });
        }
        break;
      case 'huge-array': {
        const arrays = leaves(valid).filter(({ value }) => Array.isArray(value) && value.length > 0);
        if (arrays.length === 0) break;
        const list = pick(arrays);
        const item = (list.value as Json[])[0]!;
        cases.push({ route, label: `${list.path.join('.')} x5000`, json: setAt(valid, list.path, Array.from({ length: 5000 }, () => item)), mustReject: true, at: list.path.join('.') });
        break;
      }
      case 'deep': {
        const where = pick([[], ...(route.freeForm ?? []).map((free) => free.split('.')), ...(declared.length ? [target.path] : [])]);
        const depth = pick([40, 500, 3000]);
        cases.push({ route, label: `${where.join('.') || 'body'} nested ${depth}`, json: where.length ? setAt(valid, where, nested(depth)) : nested(depth), mustReject: true, at: 'body' });
        break;
      }
      case 'proto': {
        const objects = leaves(valid).filter(({ value }) => value !== null && typeof value === 'object' && !Array.isArray(value));
        const parent = objects.length && random() < 0.7 ? pick(objects).path : [];
        const text = JSON.stringify(parent.length ? setAt(valid, [...parent, 'PROTO'], { polluted: true }) : { ...valid, PROTO: { polluted: true } });
        const key = random() < 0.5 ? '"__proto__"' : '"constructor":{"prototype":{"polluted":true}},"x"';
        cases.push({
          route,
          label: `prototype key under ${parent.join('.') || 'body'}`,
          raw: { body: text.replace('"PROTO"', key), headers: { 'Content-Type': 'application/json' } },
          mustReject: true,
          at: parent.join('.') || 'body',
        });
        break;
      }
      case 'date': {
        const dates = declared.filter(({ path }) => DATE_FIELDS.test(path.join('.')));
        if (dates.length === 0) break;
        const date = pick(dates);
        const value = pick(BAD_DATES);
        cases.push({ route, label: `${date.path.join('.')} = ${value}`, json: setAt(valid, date.path, value), mustReject: true, at: date.path.join('.') });
        break;
      }
      case 'url': {
        const urls = declared.filter(({ path }) => URL_FIELDS.test(path.join('.')));
        if (urls.length === 0) break;
        const url = pick(urls);
        const value = pick(BAD_URLS);
        cases.push({ route, label: `${url.path.join('.')} = ${value}`, json: setAt(valid, url.path, value), mustReject: true, at: url.path.join('.') });
        break;
      }
      case 'markup':
        if (typeof target.value === 'string') {
          cases.push({ route, label: `${at} with markup`, json: setAt(valid, target.path, '<img src=x onerror=alert(1)>**b**'), mustReject: false });
        }
        break;
      case 'extra':
        cases.push({ route, label: 'unknown extra field', json: { ...valid, somethingElse: { a: [1, 2] } }, mustReject: false });
        break;
    }
  }
  // Markup in every text that a CRM body shows, on every route, whatever the seed.
  for (const leaf of declared) {
    if (typeof leaf.value === 'string' && MARKUP_FIELDS.test(leaf.path.join('.'))) {
      cases.push({ route, label: `${leaf.path.join('.')} with markup (always)`, json: setAt(valid, leaf.path, `${leaf.value} <img src=x onerror=alert(1)>`), mustReject: false });
    }
  }
  return cases;
}

const MARKUP_FIELDS = /(^|\.)(contactName|note|subject|name|newContactName|result)$/;

/** Bodies that are not JSON at all, or not the JSON they claim to be. */
function rawCases(route: Route): Case[] {
  // A non-empty object, so that no mangling of it happens to be valid JSON ('{}' survives quote swaps).
  const text = JSON.stringify(route.body ? { ...route.body(), probe: 'x' } : { probe: 'x' });
  const json = { 'Content-Type': 'application/json' };
  const cases: [string, Buffer | string, Record<string, string>, string][] = [
    ['truncated JSON', text.slice(0, Math.max(1, text.length - 3)), json, 'body'],
    ['trailing garbage', `${text}}x`, json, 'body'],
    ['single quotes', text.replace(/"/g, "'"), json, 'body'],
    ['JSON without a content type', text, {}, 'Content-Type'],
    ['JSON sent as text/plain', text, { 'Content-Type': 'text/plain' }, 'Content-Type'],
    ['a form body', 'a=1&b=2', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'Content-Type'],
    ['unknown Content-Encoding', text, { ...json, 'Content-Encoding': 'compress' }, 'Content-Encoding'],
    ['gzip header on a plain body', text, { ...json, 'Content-Encoding': 'gzip' }, 'Content-Encoding'],
    ['gzip of malformed JSON', gzipSync('{"a":'), { ...json, 'Content-Encoding': 'gzip' }, 'body'],
    ['deflate header on gzip data', gzipSync(text), { ...json, 'Content-Encoding': 'deflate' }, 'Content-Encoding'],
    ['deep nesting in raw text', '['.repeat(5000) + ']'.repeat(5000), json, 'body'],
  ];
  return cases.map(([label, body, headers, at]) => ({ route, label, raw: { body, headers }, mustReject: true, at }));
}

function queryCases(route: Route): Case[] {
  const valid = Object.entries(route.query!());
  const cases: Case[] = [];
  const without = (key: string) => valid.filter(([name]) => name !== key);
  for (const [key, value] of valid) {
    cases.push({ route, label: `${key} repeated`, query: [...valid, [key, value]], mustReject: true, at: key });
    // Under Node's 16 KB header limit, so the server itself answers.
    // What these are refused for depends on the route (an OAuth state names the platform it carries).
    cases.push({ route, label: `${key} 10k chars`, query: [...without(key), [key, 'x'.repeat(10_000)]], mustReject: false });
    cases.push({ route, label: `${key} markup`, query: [...without(key), [key, '<script>alert(1)</script>']], mustReject: false });
    cases.push({ route, label: `${key} empty`, query: [...without(key), [key, '']], mustReject: false });
    cases.push({ route, label: `${key} missing`, query: without(key), mustReject: false });
  }
  cases.push({ route, label: 'prototype query keys', query: [...valid, ['__proto__', 'x'], ['constructor', 'y'], ['a[__proto__]', 'z']], mustReject: false });
  return cases;
}

function allCases(): Case[] {
  const random = prng(SEED);
  return ROUTES.flatMap((route) => [
    ...(route.body && route.mutateJson !== false ? jsonCases(route, random) : []),
    ...(route.method !== 'get' ? rawCases(route) : []),
    ...(route.query ? queryCases(route) : []),
  ]);
}

describe('bad input over every route (seeded e2e)', () => {
  let fake: FakePipedriveServer;
  let rc: FakeRingCentralServer;
  let t: TestApp;
  let jwt: string;
  let baseUrl: string;
  let cases: Case[] = [];

  beforeAll(async () => {
    fake = await FakePipedriveServer.start();
    rc = await FakeRingCentralServer.start();
    rc.addToken(RC_ADMIN, { id: 101, accountId: 37439510, name: 'Ada Admin', admin: true });
    t = await createTestApp({
      env: {
        PIPEDRIVE_API_BASE_URL: fake.url,
        PIPEDRIVE_OAUTH_BASE_URL: fake.url,
        PIPEDRIVE_CLIENT_ID: fake.clientId,
        PIPEDRIVE_CLIENT_SECRET: fake.clientSecret,
        PIPEDRIVE_REDIRECT_URI: 'https://app.example.com/pipedrive/oauth',
        RINGCENTRAL_SERVER_URL: rc.url,
        CRM_HTTP_MAX_RETRIES: '0',
        CONTACT_CACHE_TTL_SECONDS: '0',
        BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
      },
    });
    fake.addUser({ id: 11, name: 'Alice Agent', timezone_name: 'UTC' }, PD_TOKEN);
    contactId = String(fake.addPerson({ name: 'Jane Smith', phones: ['+14155550100'] }).id);
    jwt = await t.login('pipedrive', PD_TOKEN, { hostname: 'acme.pipedrive.com' });
    await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send({ ...callLogBody(), logInfo: { ...(callLogBody().logInfo as JsonObject), sessionId: PATCHED_SESSION } })
      .expect(200);
    cases = allCases();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await rc?.close();
  });

  it('covers every route with a bounded, seeded set of cases', () => {
    const routes = new Set(cases.map((c) => `${c.route.method} ${c.route.path}`));
    expect(routes.size).toBe(ROUTES.filter((r) => r.body || r.query || r.method !== 'get').length);
    expect(cases.length).toBeGreaterThan(300);
    expect(cases.length).toBeLessThan(1500);
  });

  it('the valid request of every route is accepted (the mutations start from something real)', async () => {
    for (const route of ROUTES) {
      if (route.path === '/unAuthorize' || route.path === '/oauth-callback') continue;
      fake.reset();
      const response = await send(route, route.body?.(), Object.entries(route.query?.() ?? {}));
      const where = `${route.method} ${route.path}: ${response.status} ${JSON.stringify(response.body)}`;
      expect([200, 201], where).toContain(response.status);
      expect(response.body?.successful, where).not.toBe(false);
      // The routes that write do write, so "the CRM received nothing" below means something.
      if (['/callLog', '/messageLog', '/contact'].includes(route.path) && route.method !== 'get') {
        expect(fake.requests.filter((r) => r.method !== 'GET').length, where).toBeGreaterThan(0);
      }
    }
  });

  it('never answers 500; refuses what it must with a 4xx naming the field; writes nothing to the CRM for a refusal', async () => {
    const failures: string[] = [];
    let rejected = 0;
    for (const c of cases) {
      fake.reset();
      const response = c.raw ? await sendRaw(c.route, c.raw) : await send(c.route, c.json, c.query ?? Object.entries(c.route.query?.() ?? {}));
      const where = `${c.route.method.toUpperCase()} ${c.route.path} [${c.label}]`;
      const crmWrites = fake.requests.filter((r) => r.method !== 'GET').length;
      if (response.status >= 500) {
        failures.push(`${where}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
        continue;
      }
      const refused = response.status >= 400;
      if (c.mustReject && !refused) failures.push(`${where}: accepted with ${response.status}`);
      if (!refused) {
        // Pipedrive renders an activity's note as HTML: markup that got in must arrive escaped.
        for (const write of fake.requests.filter((r) => r.method !== 'GET')) {
          const note = (write.body as { data?: { note?: unknown }; note?: unknown } | undefined);
          const html = String(note?.data?.note ?? note?.note ?? '');
          if (/<img|<script/i.test(html)) failures.push(`${where}: raw markup in a Pipedrive note`);
        }
        continue;
      }
      rejected++;
      if (crmWrites > 0) failures.push(`${where}: refused, but the CRM received ${crmWrites} write(s)`);
      // A well-formed login the CRM refused: its answer carries the CRM's reason, not a field.
      if (response.body?.errorCode === 'CRM_LOGIN_REJECTED' && !c.mustReject) continue;
      const fields = response.body?.fields as string[] | undefined;
      if (!Array.isArray(fields) || fields.length === 0) {
        failures.push(`${where}: ${response.status} without fields: ${JSON.stringify(response.body).slice(0, 300)}`);
        continue;
      }
      for (const field of fields) {
        if (!String(response.body.message).includes(field)) failures.push(`${where}: message does not name ${field}`);
      }
      const at = c.route.reportedAs?.[c.at ?? ''] ?? c.at;
      const named = (f: string) => f === at || at!.startsWith(`${f}.`) || f.startsWith(`${at}.`) || f === 'body';
      if (c.at && c.at !== 'body' && !fields.some(named)) {
        failures.push(`${where}: fields ${JSON.stringify(fields)} do not name ${c.at}`);
      }
      if (new Set(fields).size !== fields.length) failures.push(`${where}: a field named twice: ${JSON.stringify(fields)}`);
    }
    expect(failures, failures.slice(0, 40).join('\n')).toEqual([]);
    expect(rejected).toBeGreaterThan(cases.filter((c) => c.mustReject).length - 1);
    await t.http.get('/isAlive').expect(200);
    // Still signed in: no case logged the session out, which would have hidden the rest behind 401s.
    await t.http.get('/user/settings').set('Authorization', `Bearer ${jwt}`).expect(200);
  });

  function headersFor(route: Route): Record<string, string> {
    return {
      ...(route.session ? { Authorization: `Bearer ${jwt}` } : {}),
      ...(route.rcToken ? { 'X-RC-Access-Token': RC_ADMIN } : {}),
    };
  }

  async function send(route: Route, body: Json | undefined, query: [string, string][]) {
    const search = new URLSearchParams(query).toString();
    const req = t.http[route.method](`${route.path}${search ? `?${search}` : ''}`).set(headersFor(route));
    return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(freshIds(body)));
  }

  /** fetch with bytes adds no content type of its own: the request says exactly what the case says. */
  async function sendRaw(route: Route, raw: { body: Buffer | string; headers: Record<string, string> }) {
    const response = await fetch(`${baseUrl}${route.path}`, {
      method: route.method.toUpperCase(),
      headers: { ...headersFor(route), ...raw.headers },
      body: new Uint8Array(Buffer.from(raw.body)),
    });
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  }
});
