#!/usr/bin/env node
// Scaffolds a code connector: `npm run new-connector <name>`.
//
// Writes src/connectors/<name>/ (connector, module, API client with TODOs where the CRM's
// API calls go), test/fakes/fake-<name>.server.ts and test/conformance/<name>.conformance.spec.ts
// from the templates beside this file, and adds the module to CRM_MODULES. Refuses to
// overwrite anything that exists.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const templates = join(root, 'scripts', 'new-connector');
const modulesFile = join(root, 'src', 'connectors', 'connectors.module.ts');

function fail(message) {
  console.error(`new-connector: ${message}`);
  process.exit(1);
}

const name = process.argv[2];
if (!name || process.argv.length > 3) fail('usage: npm run new-connector <name>   (e.g. npm run new-connector acmecrm)');
// The platform key travels in URLs, JWTs and the manifest: lower-case letters and digits.
if (!/^[a-z][a-z0-9]{1,30}$/.test(name)) fail(`"${name}" is not a platform name: use 2-31 lower-case letters and digits, starting with a letter`);

const names = {
  __name__: name,
  __Class__: name[0].toUpperCase() + name.slice(1),
  __Title__: name[0].toUpperCase() + name.slice(1),
  __CONST__: name.toUpperCase(),
  __ENV__: name.toUpperCase(),
};
const render = (template) => Object.entries(names).reduce((text, [token, value]) => text.split(token).join(value), template);

const files = [
  ['api.client.ts.tmpl', join('src', 'connectors', name, `${name}-api.client.ts`)],
  ['connector.ts.tmpl', join('src', 'connectors', name, `${name}.connector.ts`)],
  ['module.ts.tmpl', join('src', 'connectors', name, `${name}.module.ts`)],
  ['fake.server.ts.tmpl', join('test', 'fakes', `fake-${name}.server.ts`)],
  ['conformance.spec.ts.tmpl', join('test', 'conformance', `${name}.conformance.spec.ts`)],
];
for (const [, target] of files) if (existsSync(join(root, target))) fail(`${target} exists already; nothing was written`);

const modules = readFileSync(modulesFile, 'utf8');
const listPattern = /const CRM_MODULES = \[([^\]]*)\];/;
const list = listPattern.exec(modules);
if (!list) fail(`CRM_MODULES was not found in ${relative(root, modulesFile)}; add ${names.__Class__}Module to it by hand`);
if (new RegExp(`\\b${names.__Class__}Module\\b`).test(list[1])) fail(`${names.__Class__}Module is in CRM_MODULES already; nothing was written`);

/**
 * The list's items with one more, in the list's own layout: one item a line (with a
 * trailing comma) when the list is written that way, else on one line.
 */
function withEntry(items, entry) {
  const kept = items.replace(/\s+$/, '');
  if (!kept.trim()) return entry;
  if (!items.includes('\n')) return `${kept.trim().replace(/,$/, '')}, ${entry}`;
  const indent = /\n([ \t]*)\S[^\n]*$/.exec(kept)?.[1] ?? '  ';
  return `${kept.endsWith(',') ? kept : `${kept},`}\n${indent}${entry},\n`;
}
const moduleImport = `import { ${names.__Class__}Module } from './${name}/${name}.module.js';\n`;
const lastImport = modules.lastIndexOf('\nimport ');
const afterLastImport = modules.indexOf('\n', lastImport + 1) + 1;

for (const [template, target] of files) {
  const path = join(root, target);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, render(readFileSync(join(templates, template), 'utf8')));
  console.log(`created ${target}`);
}
const registered = (modules.slice(0, afterLastImport) + moduleImport + modules.slice(afterLastImport)).replace(
  listPattern,
  (_all, items) => `const CRM_MODULES = [${withEntry(items, `${names.__Class__}Module`)}];`,
);
writeFileSync(modulesFile, registered);
console.log(`registered ${names.__Class__}Module in ${relative(root, modulesFile)}`);
console.log(`
Next:
  1. Make test/fakes/fake-${name}.server.ts answer like ${names.__Title__}'s documented API.
  2. Write the API calls (the TODOs) in src/connectors/${name}/${name}-api.client.ts.
  3. npx vitest run test/conformance/${name}.conformance.spec.ts   (then npm test)
`);
