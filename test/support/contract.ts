import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';

/**
 * Checks response bodies against App Connect's wire contract (an OpenAPI 3.0.3 document kept in
 * test/contract, so the project stands alone). OpenAPI 3.0 schemas are a dialect of JSON Schema,
 * so the document is first translated into plain draft-07 for ajv; ajv then runs in strict mode,
 * which means a keyword this translation missed fails loudly instead of being silently ignored.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const CONTRACT_URL = new URL('../contract/app-connect-openapi-public.json', import.meta.url);
const SCHEMAS_ID = 'app-connect-contract.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// OpenAPI-only keywords that carry no validation meaning in a response body. `discriminator`
// only names the property that picks a `oneOf` branch; the `oneOf` itself still validates.
const ANNOTATIONS = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator']);

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Translates one OpenAPI 3.0 schema (recursively) into draft-07 JSON Schema. */
export function toJsonSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = translateRef(value);
    } else if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      // Maps of names to schemas: the names are data, never keywords to strip.
      out[key] = Object.fromEntries(
        Object.entries(value as JsonObject).map(([name, sub]) => [name, toJsonSchema(sub)]),
      );
    } else if (key === 'enum' || key === 'const' || key === 'default' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  exclusiveBounds(out, 'exclusiveMinimum', 'minimum');
  exclusiveBounds(out, 'exclusiveMaximum', 'maximum');
  return schema.nullable === true ? allowNull(out) : out;
}

/** OpenAPI 3.0 (like draft-04) marks a bound exclusive with a boolean; draft-07 makes it the number. */
function exclusiveBounds(schema: JsonObject, exclusive: string, bound: string): void {
  if (typeof schema[exclusive] !== 'boolean') return;
  if (schema[exclusive] === true && typeof schema[bound] === 'number') {
    schema[exclusive] = schema[bound];
    delete schema[bound];
  } else {
    delete schema[exclusive];
  }
}

/** OpenAPI 3.0's `nullable: true` adds null to the values the rest of the schema allows. */
function allowNull(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string') {
    const nullable: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function translateRef(ref: string): string {
  const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
  if (!match) throw new Error(`contract: unsupported $ref ${ref} inside a schema`);
  return `${SCHEMAS_ID}#/definitions/${match[1]}`;
}

export interface ContractResponse {
  operationId: string;
  /** The contract's path template that matched, e.g. /calldown/{id}. */
  pathTemplate: string;
  /** The response key that matched: the exact status, its range (2XX) or default. */
  statusKey: string;
  /** The response's media types and their (draft-07) schemas; empty when it documents no body. */
  content: Record<string, Json | undefined>;
}

export interface ContractCheck {
  operationId: string;
  /** False when the contract documents this response without a body schema: nothing was checked. */
  validated: boolean;
}

export class Contract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: JsonObject) {
    this.ajv = new Ajv({
      allErrors: true,
      strict: true,
      // The contract leaves `type` out beside `properties` in places; that is legal JSON Schema.
      strictTypes: false,
      strictTuples: false,
      // OpenAPI allows `required` names that are not listed in `properties`.
      strictRequired: false,
    });
    // ajv-formats is CommonJS; under ESM its function is the default export's `default`.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
      addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.ajv);
    const components = (document.components ?? {}) as JsonObject;
    const schemas = (components.schemas ?? {}) as JsonObject;
    const definitions = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, toJsonSchema(s)]));
    this.ajv.addSchema({ $id: SCHEMAS_ID, definitions });
  }

  static load(url: URL = CONTRACT_URL): Contract {
    return new Contract(JSON.parse(readFileSync(url, 'utf8')) as JsonObject);
  }

  /** The contract's response entry for an operation and status; throws when it documents none. */
  response(method: string, path: string, status: number): ContractResponse {
    const lower = method.toLowerCase();
    if (!HTTP_METHODS.includes(lower)) throw new Error(`contract: ${method} is not an HTTP method`);
    const pathTemplate = this.matchPath(path.split('?')[0]);
    const operation = (this.document.paths as JsonObject)[pathTemplate] as JsonObject;
    const op = operation[lower];
    if (!isObject(op)) {
      throw new Error(`contract: ${method.toUpperCase()} ${pathTemplate} is not an operation of the contract`);
    }
    const operationId = String(op.operationId ?? `${lower} ${pathTemplate}`);
    const responses = (op.responses ?? {}) as JsonObject;
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
    if (!statusKey) {
      throw new Error(
        `contract: ${operationId} (${method.toUpperCase()} ${pathTemplate}) documents no ${status} response ` +
          `(it documents ${Object.keys(responses).join(', ')})`,
      );
    }
    const entry = this.deref(responses[statusKey]);
    const content: Record<string, Json | undefined> = {};
    for (const [mediaType, media] of Object.entries((entry.content ?? {}) as JsonObject)) {
      const schema = isObject(media) ? media.schema : undefined;
      content[mediaType] = schema === undefined ? undefined : toJsonSchema(schema);
    }
    return { operationId, pathTemplate, statusKey, content };
  }

  /**
   * Validates a response body against the contract's schema for its operation, status and media
   * type, and throws one error listing every violation with its JSON pointer.
   */
  check(method: string, path: string, status: number, body: unknown, contentType = 'application/json'): ContractCheck {
    const found = this.response(method, path, status);
    const mediaTypes = Object.keys(found.content);
    if (mediaTypes.length === 0) return { operationId: found.operationId, validated: false };
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    if (!(mediaType in found.content)) {
      throw new Error(
        `contract: ${found.operationId} ${status} is documented as ${mediaTypes.join(' or ')}, not ${mediaType}`,
      );
    }
    const schema = found.content[mediaType];
    if (schema === undefined) return { operationId: found.operationId, validated: false };
    const validate = this.validator(`${found.operationId} ${found.statusKey} ${mediaType}`, schema);
    if (!validate(body)) {
      throw new Error(
        `response does not match the contract for ${found.operationId} ` +
          `(${method.toUpperCase()} ${found.pathTemplate} ${status} ${mediaType}):\n` +
          formatErrors(validate.errors ?? []) +
          `\nbody: ${truncate(JSON.stringify(body))}`,
      );
    }
    return { operationId: found.operationId, validated: true };
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema as JsonObject);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** The path template for a concrete path: an exact entry first, else one whose {params} match. */
  private matchPath(path: string): string {
    const paths = Object.keys((this.document.paths ?? {}) as JsonObject);
    if (paths.includes(path)) return path;
    const segments = path.split('/');
    const candidates = paths.filter((template) => {
      const parts = template.split('/');
      return (
        parts.length === segments.length &&
        parts.every((part, i) => (/^\{[^}]+\}$/.test(part) ? segments[i] !== '' : part === segments[i]))
      );
    });
    if (candidates.length === 0) throw new Error(`contract: no path of the contract matches ${path}`);
    // The most literal segments win, so /a/b beats /a/{x} when both would match.
    const literal = (template: string) => template.split('/').filter((part) => !part.startsWith('{')).length;
    return candidates.sort((a, b) => literal(b) - literal(a))[0];
  }

  private deref(value: Json): JsonObject {
    let current = value;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 10) throw new Error('contract: $ref chain too long');
      current = this.pointer(current.$ref);
    }
    if (!isObject(current)) throw new Error('contract: response entry is not an object');
    return current;
  }

  private pointer(ref: string): Json {
    if (!ref.startsWith('#/')) throw new Error(`contract: only local $refs are supported, got ${ref}`);
    let node: Json = this.document;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node) || !(key in node)) throw new Error(`contract: $ref ${ref} does not resolve`);
      node = node[key];
    }
    return node;
  }
}

function formatErrors(errors: ErrorObject[]): string {
  return errors
    .map((error) => {
      const at = error.instancePath === '' ? '/' : error.instancePath;
      const extra =
        error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`
          : error.keyword === 'enum'
            ? ` (${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)})`
            : '';
      return `  - ${at} ${error.message ?? error.keyword}${extra}  [schema ${error.schemaPath}]`;
    })
    .join('\n');
}

const truncate = (text: string | undefined, max = 2000): string =>
  text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}...` : text;

let shared: Contract | undefined;

/** What expectResponseMatchesContract reads from a supertest response. */
export interface HttpResponseLike {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/** The repository's copy of the App Connect contract, loaded and compiled once per test file. */
export function contract(): Contract {
  shared ??= Contract.load();
  return shared;
}

/**
 * Throws unless `body` matches the contract's response schema for `method path status`.
 * `path` may be concrete (`/calldown/abc`); it resolves to its template (`/calldown/{id}`).
 * Pass supertest's `res.body` for JSON and `res.text` for text/plain.
 */
export function expectMatchesContract(
  method: string,
  path: string,
  status: number,
  body: unknown,
  contentType = 'application/json',
): ContractCheck {
  return contract().check(method, path, status, body, contentType);
}

/** Like expectMatchesContract, reading status, media type and body from a supertest response. */
export function expectResponseMatchesContract(method: string, path: string, res: HttpResponseLike): ContractCheck {
  const header = res.headers['content-type'];
  const contentType = (Array.isArray(header) ? header[0] : header) ?? 'application/json';
  const json = /[/+]json\b/i.test(contentType);
  return expectMatchesContract(method, path, res.status, json ? res.body : res.text, contentType);
}
