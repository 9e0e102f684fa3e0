import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { UsersRepository } from '../src/persistence/repositories/users.repository.js';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The OpenAPI document as Swagger UI and generated clients use it: every $ref resolves, and
 * every operation's example request (the media type's examples, else a sample built from the
 * schema the way Swagger UI's "Try it out" builds one) is accepted by a real server, and is
 * harmless. Generic over /docs-json, so routes added later are covered too.
 */

type Schema = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('OpenAPI document: references and examples (e2e)', () => {
  let t: TestApp;
  let doc: Schema;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.login();
    doc = (await t.http.get('/docs-json').expect(200)).body as Schema;
  });
  afterAll(async () => {
    await t?.close();
  });

  const schemas = () => ((doc.components as Schema).schemas ?? {}) as Record<string, Schema>;

  function resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`$ref loop at ${String(current.$ref)}`);
      const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref as string)?.[1];
      if (!name || !schemas()[name]) throw new Error(`broken $ref ${String(current.$ref)}`);
      current = schemas()[name]!;
    }
    return current;
  }

  /** Swagger UI's sample: examples first, then enums, formats and types; every property included. */
  function sample(raw: Schema, depth = 0): unknown {
    const schema = resolve(raw);
    if (depth > 12) throw new Error('sample too deep');
    if (schema.example !== undefined) return schema.example;
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    for (const key of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(schema[key])) return sample((schema[key] as Schema[])[0]!, depth + 1);
    }
    if (Array.isArray(schema.allOf)) {
      return Object.assign({}, ...(schema.allOf as Schema[]).map((part) => sample(part, depth + 1)));
    }
    if (schema.type === 'array') return [sample((schema.items ?? {}) as Schema, depth + 1)];
    if (schema.type === 'object' || schema.properties) {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        if (resolve(property).readOnly) continue;
        out[name] = sample(property, depth + 1);
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out.additionalProp1 = sample(schema.additionalProperties as Schema, depth + 1);
      } else if (schema.additionalProperties === true && Object.keys(out).length === 0) {
        out.additionalProp1 = {};
      }
      return out;
    }
    if (schema.type === 'integer' || schema.type === 'number') return 0;
    if (schema.type === 'boolean') return true;
    switch (schema.format) {
      case 'date-time':
        return '2026-06-24T02:30:00.000Z';
      case 'uri':
        return 'https://example.com/';
      case 'email':
        return 'user@example.com';
      default:
        return 'string';
    }
  }

  function operations(): { method: string; path: string; op: Schema }[] {
    return Object.entries(doc.paths as Record<string, Schema>).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] as Schema })),
    );
  }

  function walkRefs(node: unknown, found: string[] = []): string[] {
    if (Array.isArray(node)) node.forEach((child) => walkRefs(child, found));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') found.push(String(value));
        else walkRefs(value, found);
      }
    }
    return found;
  }

  it('has no broken $ref', () => {
    const refs = walkRefs(doc);
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter((ref) => {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      return !name || !schemas()[name];
    });
    expect(broken).toEqual([]);
  });

  it("accepts every operation's example request, and the examples are harmless", async () => {
    const users = t.get(UsersRepository);
    const userId = (new JwtService().decode(token) as { sub: string }).sub;
    const timezoneBefore = (await users.findById(userId))?.timezone;
    const failures: string[] = [];
    // Logging out ends the session the other examples use: last.
    const ordered = operations().sort((a, b) => Number(a.path === '/unAuthorize') - Number(b.path === '/unAuthorize'));
    let sent = 0;
    for (const { method, path, op } of ordered) {
      const where = `${method.toUpperCase()} ${path}`;
      const query = new URLSearchParams();
      const pathParams: string[] = [];
      for (const parameter of (op.parameters ?? []) as Schema[]) {
        const example = parameter.example ?? (parameter.schema as Schema | undefined)?.example;
        // A path id names a stored record an example cannot know: it is sent as is and may be "not found".
        if (parameter.in === 'path') pathParams.push(String(parameter.name));
        else if (parameter.in === 'query' && example !== undefined) query.set(String(parameter.name), String(example));
        else if (parameter.required && parameter.in !== 'header') failures.push(`${where}: required ${String(parameter.name)} has no example`);
      }
      const content = ((op.requestBody as Schema | undefined)?.content ?? {}) as Record<string, Schema>;
      const media = content['application/json'];
      const bodies: unknown[] = media
        ? media.examples
          ? Object.values(media.examples as Record<string, Schema>).map((example) => example.value)
          : [media.example ?? sample(media.schema as Schema)]
        : [undefined];
      for (const body of bodies) {
        const url = `${path.replace(/\{(\w+)\}/g, (_match, name: string) => `example-${name}`)}${query.size ? `?${query}` : ''}`;
        let req = t.http[method as (typeof METHODS)[number]](url).set('Authorization', `Bearer ${token}`);
        if (body !== undefined) req = req.send(body as object);
        const response = await req;
        sent++;
        const fields = (response.body?.fields ?? []) as string[];
        // Only what an example cannot carry may be missing (a RingCentral admin's token), and a
        // one-time OAuth code can only be refused by the CRM: the request itself was accepted.
        const headersOnly = fields.length > 0 && fields.every((field) => /^X-RC-/i.test(field) || pathParams.includes(field));
        const refusedByCrm = response.body?.errorCode === 'CRM_LOGIN_REJECTED';
        if (response.status >= 500 || (response.status >= 400 && !headersOnly && !refusedByCrm)) {
          failures.push(`${where}: ${response.status} ${JSON.stringify(response.body).slice(0, 400)} for ${JSON.stringify(body)?.slice(0, 300)}`);
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(operations().length);
    // Harmless: the user's timezone is what it was, and nothing stored holds Swagger's filler text.
    expect((await users.findById(userId))?.timezone).toBe(timezoneBefore);
    const ownerId = userId.replace(/^local-/, '');
    const stored = JSON.stringify([await t.get(LocalCrmStore).listActivities(ownerId), await users.findById(userId)]);
    expect(stored.match(/.{80}\bstring\b.{40}/g) ?? []).toEqual([]);
  });
});
