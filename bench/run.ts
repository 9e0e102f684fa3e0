/**
 * `npm run bench`: builds the server, starts a fake Pipedrive and the built server on a fresh
 * database, drives it with autocannon over the App Connect wire protocol, and writes
 * bench/results/<date>-<commit>.json and bench/RESULTS.md. See bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeCpuProfile } from './lib/cpuprofile.js';
import { FakeCrm } from './lib/fake-crm.client.js';
import { OUT_DIR, REPO_ROOT, RESULTS_DIR, RESULTS_MD } from './lib/paths.js';
import {
  type BenchReport,
  checkTargets,
  type DatabaseResults,
  readHistory,
  renderMarkdown,
  type Settings,
  spliceResults,
  summarizeLoad,
} from './lib/report.js';
import {
  BenchServer,
  type BenchDatabase,
  type DatabaseKind,
  postgresDatabase,
  postgresUnreachable,
  productionNodeFlags,
  sqliteDatabase,
} from './lib/server.process.js';
import { kbToMb, loginAll, lookUpContacts, type Rig, runBatches, runLoad, type Workload } from './lib/workloads.js';

const WORKLOADS: Workload[] = [
  { id: 'message-1c-0ms', kind: 'messageLog', clients: 1, latencyMs: 0, key: false },
  { id: 'message-1c-50ms', kind: 'messageLog', clients: 1, latencyMs: 50, key: true },
  { id: 'message-8c-0ms', kind: 'messageLog', clients: 8, latencyMs: 0, key: true },
  { id: 'message-8c-50ms', kind: 'messageLog', clients: 8, latencyMs: 50, key: false },
  { id: 'batch50-0ms', kind: 'messageBatch50', clients: 1, latencyMs: 0, key: false },
  { id: 'batch50-50ms', kind: 'messageBatch50', clients: 1, latencyMs: 50, key: true },
  { id: 'call-1c-0ms', kind: 'callLog', clients: 1, latencyMs: 0, key: false },
  { id: 'call-1c-50ms', kind: 'callLog', clients: 1, latencyMs: 50, key: false },
  { id: 'call-8c-0ms', kind: 'callLog', clients: 8, latencyMs: 0, key: true },
  { id: 'call-8c-50ms', kind: 'callLog', clients: 8, latencyMs: 50, key: false },
];
const PROFILED = ['message-8c-0ms', 'call-8c-0ms'];

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    reps: { type: 'string' },
    batches: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-postgres': { type: 'boolean', default: false },
    'no-sqlite': { type: 'boolean', default: false },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'log-level': { type: 'string', default: 'info' },
    'skip-build': { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --duration <s>      measured seconds per run (default 10; 3 with --quick)
  --warmup <s>        warm-up seconds before each workload, not counted (default 2; 1 with --quick)
  --reps <n>          repetitions of the key workloads, median reported (default 3; 1 with --quick)
  --batches <n>       50-message batches per latency (default 20; 5 with --quick)
  --quick             smoke run; writes bench/out/ only, not bench/results or RESULTS.md
  --only <ids>        comma-separated workload ids or parts of them (e.g. message-8c,batch50); writes bench/out/ only
  --no-postgres       SQLite only
  --no-sqlite         PostgreSQL only (writes bench/out/ only)
  --postgres-url <u>  default postgres://postgres@127.0.0.1:5432/test (a fresh schema per run, dropped afterwards)
  --log-level <l>     server LOG_LEVEL (default info, as in production)
  --skip-build        use the existing dist/
  --node-flags="<f>"  extra node flags for the server, after those of package.json "start:prod" (recorded in the results)
  --profile           instead: ${PROFILED.join(' and ')} on SQLite under node --cpu-prof, summarised`);
  process.exit(0);
}

const quick = args.quick;
const settings: Settings = {
  durationS: Number(args.duration ?? (quick ? 3 : 10)),
  warmupS: Number(args.warmup ?? (quick ? 1 : 2)),
  reps: Number(args.reps ?? (quick ? 1 : 3)),
  batches: Number(args.batches ?? (quick ? 5 : 20)),
  logLevel: args['log-level'],
  quick,
  postgresUrl: args['postgres-url'],
  nodeFlags: args['node-flags'],
  productionNodeFlags: productionNodeFlags().join(' '),
};
const serverNodeFlags = settings.nodeFlags.split(' ').filter(Boolean);
const only = args.only?.split(',').map((s) => s.trim()).filter(Boolean);
const selected = WORKLOADS.filter((w) => !only || only.some((part) => w.id.includes(part)));
const keepResults = !quick && !only && !args.profile && !args['no-sqlite'];

// Everything started here is stopped here, also on Ctrl-C.
const cleanups: (() => Promise<unknown>)[] = [];
process.once('SIGINT', () => {
  console.error('\ninterrupted: stopping the server and the fake CRM');
  void Promise.allSettled(cleanups.reverse().map((c) => c())).then(() => process.exit(130));
});

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  const startedAt = Date.now();
  if (!args['skip-build']) {
    log('building (npm run build)');
    const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const crm = await FakeCrm.start();
  cleanups.push(() => crm.stop());
  log(`fake Pipedrive on ${crm.url}`);

  if (args.profile) {
    await profile(crm);
  } else {
    await bench(crm);
  }
  await crm.stop();
  log(`done in ${Math.round((Date.now() - startedAt) / 1000)} s`);
}

async function bench(crm: FakeCrm): Promise<void> {
  const databases: DatabaseResults[] = [];
  for (const kind of ['sqlite', 'postgres'] as DatabaseKind[]) {
    if (kind === 'sqlite' && args['no-sqlite']) continue;
    if (kind === 'postgres') {
      const reason = args['no-postgres'] ? 'disabled with --no-postgres' : await postgresUnreachable(settings.postgresUrl);
      if (reason) {
        const banner = '!'.repeat(78);
        console.error(`\n${banner}\n!! PostgreSQL runs SKIPPED: ${reason}\n${banner}\n`);
        databases.push({ db: kind, label: settings.postgresUrl, skipped: reason, loads: [], batches: [] });
        continue;
      }
    }
    const database = kind === 'sqlite' ? sqliteDatabase() : postgresDatabase(settings.postgresUrl);
    databases.push(await benchDatabase(crm, database));
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    machine: machine(),
    settings,
    databases,
    targets: checkTargets(databases),
  };
  const day = report.date.slice(0, 10);
  const jsonFile = keepResults ? join(RESULTS_DIR, `${day}-${report.commit}.json`) : join(OUT_DIR, `run-${day}-${report.commit}.json`);
  mkdirSync(keepResults ? RESULTS_DIR : OUT_DIR, { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report, keepResults ? readHistory(RESULTS_DIR) : []);
  if (keepResults) {
    let existing: string | undefined;
    try {
      existing = readFileSync(RESULTS_MD, 'utf8');
    } catch {
      existing = undefined;
    }
    writeFileSync(RESULTS_MD, spliceResults(existing, markdown));
  }
  console.log(`\n${markdown}\n`);
  log(`results: ${jsonFile}${keepResults ? ` and ${RESULTS_MD}` : ' (quick/partial run: bench/results and RESULTS.md untouched)'}`);
  const failed = report.targets.filter((t) => t.pass === false).length;
  log(`${report.targets.length - failed} targets pass, ${failed} fail`);
}

async function benchDatabase(crm: FakeCrm, database: BenchDatabase): Promise<DatabaseResults> {
  log(`${database.kind}: starting the server on ${database.label}`);
  const logFile = join(OUT_DIR, `server-${database.kind}.log`);
  const server = await BenchServer.start({ database, crmUrl: crm.url, logLevel: settings.logLevel, logFile, nodeFlags: serverNodeFlags });
  const stopServer = async () => {
    const last = await server.stop();
    await database.dispose();
    return last;
  };
  cleanups.push(stopServer);
  const result: DatabaseResults = { db: database.kind, label: database.label, loads: [], batches: [] };
  try {
    await crm.setLatency(0);
    const rig: Rig = {
      server,
      crm,
      jwts: await loginAll(server.url, crm.info.apiTokens),
      personIds: crm.info.personIds,
    };
    await lookUpContacts(rig);
    for (const workload of selected) {
      if (server.exited) throw new Error(`the server died; see ${logFile}`);
      if (workload.kind === 'messageBatch50') {
        const batch = await runBatches(rig, workload.latencyMs, settings.batches, 2);
        result.batches.push({ workload, result: batch });
        log(
          `${database.kind} ${workload.id}: median ${batch.wallMs.p50} ms, p90 ${batch.wallMs.p90} ms, ` +
            `CRM requests max ${batch.crmRequests.max}, unsuccessful ${batch.failures.unsuccessful}`,
        );
        continue;
      }
      const reps = workload.key ? settings.reps : 1;
      const run = summarizeLoad(workload, await runLoad(rig, workload, settings.durationS, settings.warmupS, reps));
      result.loads.push(run);
      log(
        `${database.kind} ${workload.id}: ${run.median.rps} req/s, p50 ${run.median.p50} ms, p99 ${run.median.p99} ms, ` +
          `CRM/req ${run.median.crmPerRequest}, failures ${run.failures}${reps > 1 ? ` (median of ${reps})` : ''}`,
      );
    }
  } finally {
    cleanups.splice(cleanups.indexOf(stopServer), 1);
    const last = await stopServer();
    result.peakRssMb = kbToMbOrUndefined(last?.hwmKb);
    result.maxSampledRssMb = kbToMbOrUndefined(server.maxSampledRssKb);
  }
  log(`${database.kind}: peak RSS (VmHWM) ${result.peakRssMb} MB`);
  return result;
}

/** Each profiled workload on its own server under --cpu-prof, so each profile holds one workload. */
async function profile(crm: FakeCrm): Promise<void> {
  const summaries: string[] = [];
  for (const id of PROFILED) {
    const workload = WORKLOADS.find((w) => w.id === id)!;
    const dir = join(OUT_DIR, 'cpu-prof', id);
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir)) if (old.endsWith('.cpuprofile')) rmSync(join(dir, old), { force: true });
    const database = sqliteDatabase();
    const server = await BenchServer.start({
      database,
      crmUrl: crm.url,
      logLevel: settings.logLevel,
      logFile: join(OUT_DIR, `server-profile-${id}.log`),
      nodeFlags: [...serverNodeFlags, '--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    const stop = async () => {
      await server.stop();
      await database.dispose();
    };
    cleanups.push(stop);
    let measuredFromMs = 0;
    let measuredMs = 0;
    try {
      const rig: Rig = { server, crm, jwts: await loginAll(server.url, crm.info.apiTokens), personIds: crm.info.personIds };
      await lookUpContacts(rig);
      // Warm-up inside runLoad; the profile is read from the start of the measured part.
      const warm = Date.now();
      const [result] = await runLoad(rig, workload, settings.durationS, settings.warmupS, 1);
      measuredFromMs = warm - server.startedAt + settings.warmupS * 1000;
      measuredMs = settings.durationS * 1000;
      log(`profile ${id}: ${result.rps} req/s, p99 ${result.latencyMs.p99} ms (under the profiler), failures ${result.failures.non2xx + result.failures.unsuccessful + result.failures.errors}`);
    } finally {
      cleanups.splice(cleanups.indexOf(stop), 1);
      await stop();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile was written in ${dir}`);
    const summary = summarizeCpuProfile(readFileSync(join(dir, file), 'utf8'), {
      fromMs: measuredFromMs,
      toMs: measuredFromMs + measuredMs,
      title: `${id} (SQLite, ${settings.durationS} s measured)`,
      repoRoot: REPO_ROOT,
    });
    writeFileSync(join(OUT_DIR, `profile-${id}.md`), `${summary}\n`);
    summaries.push(summary);
    log(`profile ${id}: ${join(dir, file)} → ${join(OUT_DIR, `profile-${id}.md`)}`);
  }
  console.log(`\n${summaries.join('\n\n')}\n`);
}

const kbToMbOrUndefined = (kb: number | undefined) => (kb && Number.isFinite(kb) ? kbToMb(kb) : undefined);

function git(argv: string[]): string {
  try {
    return execFileSync('git', argv, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

main().catch(async (error: unknown) => {
  console.error(`[bench] failed: ${(error as Error).stack ?? String(error)}`);
  await Promise.allSettled(cleanups.reverse().map((c) => c()));
  process.exit(1);
});
