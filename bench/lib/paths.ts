import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = join(REPO_ROOT, 'bench');
/** Scratch output (server logs, CPU profiles, quick runs): gitignored. */
export const OUT_DIR = join(BENCH_DIR, 'out');
/** Kept results of full runs, one JSON file per run. */
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const RESULTS_MD = join(BENCH_DIR, 'RESULTS.md');
