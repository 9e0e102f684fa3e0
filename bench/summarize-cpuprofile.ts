/**
 * Summarises a .cpuprofile written by `node --cpu-prof` (as `npm run bench -- --profile` does):
 *   npx tsx bench/summarize-cpuprofile.ts <file.cpuprofile> [--from <ms>] [--to <ms>] [--top <n>]
 * --from/--to keep only samples in that window after the profile started (skip start-up).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { summarizeCpuProfile } from './lib/cpuprofile.js';
import { REPO_ROOT } from './lib/paths.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: npx tsx bench/summarize-cpuprofile.ts <file.cpuprofile> [--from <ms>] [--to <ms>] [--top <n>]');
  process.exit(2);
}
console.log(
  summarizeCpuProfile(readFileSync(positionals[0], 'utf8'), {
    fromMs: values.from ? Number(values.from) : undefined,
    toMs: values.to ? Number(values.to) : undefined,
    top: values.top ? Number(values.top) : undefined,
    title: positionals[0],
    repoRoot: REPO_ROOT,
  }),
);
