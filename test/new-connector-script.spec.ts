import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run new-connector <name>` on a copy of the script, its templates and the connectors
 * module, so the repository itself is never touched.
 */
const repo = new URL('..', import.meta.url).pathname;
const MODULES = join('src', 'connectors', 'connectors.module.ts');

const scratches: string[] = [];
afterAll(() => scratches.forEach((root) => rmSync(root, { recursive: true, force: true })));

function scratch(modulesText = readFileSync(join(repo, MODULES), 'utf8')): string {
  const root = mkdtempSync(join(tmpdir(), 'new-connector-'));
  scratches.push(root);
  cpSync(join(repo, 'scripts'), join(root, 'scripts'), { recursive: true });
  mkdirSync(join(root, 'src', 'connectors'), { recursive: true });
  writeFileSync(join(root, MODULES), modulesText);
  return root;
}
const run = (root: string, name: string) => execFileSync(process.execPath, [join(root, 'scripts', 'new-connector.mjs'), name], { stdio: 'pipe' });

/** The names in CRM_MODULES, in order; an empty slot (a hole in the array) shows as ''. */
function crmModules(text: string): string[] {
  const items = /const CRM_MODULES = \[([^\]]*)\];/.exec(text)![1]!;
  return items.replace(/,\s*$/, '').split(',').map((item) => item.trim());
}

describe('npm run new-connector', () => {
  it("adds the module to the repository's multi-line CRM_MODULES, one a line, and imports it", () => {
    const before = readFileSync(join(repo, MODULES), 'utf8');
    const root = scratch(before);
    run(root, 'acmecrm');
    const after = readFileSync(join(root, MODULES), 'utf8');
    expect(crmModules(after)).toEqual([...crmModules(before), 'AcmecrmModule']);
    expect(after).toContain("import { AcmecrmModule } from './acmecrm/acmecrm.module.js';\n");
    expect(after).toMatch(/\n {2}AcmecrmModule,\n\];/);
    expect(after).not.toMatch(/,\s*,/);
    for (const file of ['src/connectors/acmecrm/acmecrm.connector.ts', 'test/fakes/fake-acmecrm.server.ts', 'test/conformance/acmecrm.conformance.spec.ts']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  it('keeps a one-line CRM_MODULES on one line', () => {
    const root = scratch("import { A } from './a.js';\nconst CRM_MODULES = [LocalCrmModule, ClioModule];\n");
    run(root, 'acmecrm');
    expect(readFileSync(join(root, MODULES), 'utf8')).toContain('const CRM_MODULES = [LocalCrmModule, ClioModule, AcmecrmModule];');
  });

  it('writes nothing when the connector exists already', () => {
    const root = scratch();
    run(root, 'acmecrm');
    const once = readFileSync(join(root, MODULES), 'utf8');
    expect(() => run(root, 'acmecrm')).toThrow(/exists already/);
    expect(readFileSync(join(root, MODULES), 'utf8')).toBe(once);
  });
});
