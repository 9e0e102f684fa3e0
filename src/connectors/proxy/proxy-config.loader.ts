import { Ajv, type ErrorObject } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROXY_CONFIG_SCHEMA, secretKeyEnvOf, type ProxyConfig } from './proxy-config.js';
import { templateProblems } from './proxy-template.js';

const SECRET_KEY = /\{\{\s*secretKey\s*\}\}/;

/** A config that cannot be served: the message names the file and the JSON path. */
export class ProxyConfigError extends Error {}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<ProxyConfig>(PROXY_CONFIG_SCHEMA);

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  if (error.keyword === 'propertyNames') {
    return `${at}/${String((error.params as { propertyName?: string }).propertyName)}: not an operation this server knows`;
  }
  if (error.keyword === 'enum' && error.propertyName) return `${at}/${error.propertyName}: not an operation this server knows`;
  if (error.keyword === 'required') return `${at}: must have ${String((error.params as { missingProperty: string }).missingProperty)}`;
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Every string under `value` with its JSON pointer, so a template problem names its place. */
function* strings(value: unknown, pointer: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [pointer, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${pointer}/${i}`);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}

/** Parses and checks one config; throws ProxyConfigError naming `file` and the path. */
export function parseProxyConfig(file: string, text: string): ProxyConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProxyConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!validate(parsed)) {
    const problems = [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf').map(describe))];
    throw new ProxyConfigError(`${file}:\n  - ${problems.join('\n  - ')}`);
  }
  const problems: string[] = [];
  const pattern = parsed.meta.hostnamePattern;
  if (pattern !== undefined) {
    try {
      new RegExp(pattern);
    } catch {
      problems.push(`/meta/hostnamePattern: not a regular expression`);
    }
  }
  for (const section of ['auth', 'requestDefaults', 'operations'] as const) {
    for (const [pointer, value] of strings(parsed[section], `/${section}`)) {
      for (const problem of templateProblems(value)) problems.push(`${pointer}: ${problem}`);
    }
  }
  if (problems.length) throw new ProxyConfigError(`${file}:\n  - ${problems.join('\n  - ')}`);
  return parsed;
}

/**
 * Checks what a config needs from the deployment: a config that renders `{{secretKey}}`
 * stops the server at start, naming the file, the place and the variable, while that
 * variable is unset (requests without the secret would fail one by one instead).
 */
export function checkProxyEnvironment(file: string, config: ProxyConfig, environment: (name: string) => string | undefined): void {
  const variable = secretKeyEnvOf(config);
  if (environment(variable) !== undefined) return;
  const uses = (['auth', 'requestDefaults', 'operations'] as const).flatMap((section) =>
    [...strings(config[section], `/${section}`)].filter(([, value]) => SECRET_KEY.test(value)).map(([pointer]) => pointer),
  );
  if (uses.length) {
    throw new ProxyConfigError(`${file}:\n  - ${uses.map((pointer) => `${pointer}: uses {{secretKey}}, but ${variable} is not set`).join('\n  - ')}`);
  }
}

/** Every `*.json` in the folder, in name order. */
export function loadProxyConfigs(dir: string): { file: string; config: ProxyConfig }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new ProxyConfigError(`CONNECTOR_CONFIG_DIR ${dir} cannot be read: ${(error as Error).message}`);
  }
  return names.map((name) => {
    const file = join(dir, name);
    return { file, config: parseProxyConfig(file, readFileSync(file, 'utf8')) };
  });
}
