import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseKind } from './server.process.js';
import { type BatchResult, type LoadResult, median, round, type Workload } from './workloads.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
}

export interface Settings {
  durationS: number;
  warmupS: number;
  reps: number;
  batches: number;
  logLevel: string;
  quick: boolean;
  postgresUrl: string;
  /** extra node flags given to the server */
  nodeFlags: string;
  /** the flags of package.json "start:prod", which the server always gets (absent in older results) */
  productionNodeFlags?: string;
}

export interface LoadRun {
  workload: Workload;
  reps: LoadResult[];
  /** Per metric, the median over the repetitions. */
  median: {
    rps: number;
    p50: number;
    p99: number;
    crmPerRequest: number;
    serverCpuMsPerRequest: number;
    maxRssMb: number;
  };
  failures: number;
}

export interface BatchRun {
  workload: Workload;
  result: BatchResult;
}

export interface DatabaseResults {
  db: DatabaseKind;
  label: string;
  skipped?: string;
  /** VmHWM of the server at the end of its whole run */
  peakRssMb?: number;
  maxSampledRssMb?: number;
  loads: LoadRun[];
  batches: BatchRun[];
}

export interface TargetCheck {
  target: string;
  db: DatabaseKind;
  measured: string;
  pass: boolean | undefined;
}

export interface BenchReport {
  date: string;
  commit: string;
  dirty: boolean;
  machine: MachineInfo;
  settings: Settings;
  databases: DatabaseResults[];
  targets: TargetCheck[];
}

export function summarizeLoad(workload: Workload, reps: LoadResult[]): LoadRun {
  const of = (pick: (r: LoadResult) => number) => median(reps.map(pick));
  return {
    workload,
    reps,
    median: {
      rps: of((r) => r.rps),
      p50: of((r) => r.latencyMs.p50),
      p99: of((r) => r.latencyMs.p99),
      crmPerRequest: of((r) => r.crm.perRequest),
      serverCpuMsPerRequest: of((r) => r.serverCpuMsPerRequest),
      maxRssMb: Math.max(...reps.map((r) => r.maxRssMb)),
    },
    failures: reps.reduce(
      (sum, r) => sum + r.failures.errors + r.failures.timeouts + r.failures.non2xx + r.failures.unsuccessful,
      0,
    ),
  };
}

/** The issue's targets, judged per database on the medians. A run with failures never passes. */
export function checkTargets(databases: DatabaseResults[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const d of databases) {
    if (d.skipped) continue;
    const load = (id: string) => d.loads.find((l) => l.workload.id === id);
    const batch = d.batches.find((b) => b.workload.latencyMs === 50);
    if (batch) {
      const r = batch.result;
      const clean = r.failures.unsuccessful === 0;
      checks.push({
        target: '50-message batch at 50 ms: ≤ 2 CRM requests',
        db: d.db,
        measured: `max ${r.crmRequests.max} (median ${r.crmRequests.p50})`,
        pass: clean && r.crmRequests.max <= 2,
      });
      checks.push({
        target: '50-message batch at 50 ms: < 150 ms wall time',
        db: d.db,
        measured: `median ${r.wallMs.p50} ms (p90 ${r.wallMs.p90} ms)`,
        pass: clean && r.wallMs.p50 < 150,
      });
    }
    const single = load('message-1c-50ms');
    if (single) {
      checks.push({
        target: 'messageLog, 1 client, 50 ms: ≥ 18 req/s',
        db: d.db,
        measured: `${single.median.rps} req/s`,
        pass: single.failures === 0 && single.median.rps >= 18,
      });
    }
    for (const [id, name] of [
      ['message-8c-0ms', 'messageLog'],
      ['call-8c-0ms', 'callLog'],
    ] as const) {
      const run = load(id);
      if (!run) continue;
      checks.push({
        target: `${name}, 8 clients, 0 ms: ≥ 540 req/s`,
        db: d.db,
        measured: `${run.median.rps} req/s`,
        pass: run.failures === 0 && run.median.rps >= 540,
      });
      checks.push({
        target: `${name}, 8 clients, 0 ms: p99 < 25 ms`,
        db: d.db,
        measured: `${run.median.p99} ms`,
        pass: run.failures === 0 && run.median.p99 < 25,
      });
    }
    if (d.peakRssMb !== undefined) {
      checks.push({
        target: 'peak RSS through the whole run < 150 MB',
        db: d.db,
        measured: `${d.peakRssMb} MB`,
        pass: d.peakRssMb < 150,
      });
    }
  }
  return checks;
}

const verdict = (pass: boolean | undefined) => (pass === undefined ? '–' : pass ? '**pass**' : '**FAIL**');
const failuresText = (run: LoadRun) => {
  const f = run.reps.reduce(
    (acc, r) => ({
      errors: acc.errors + r.failures.errors + r.failures.timeouts,
      non2xx: acc.non2xx + r.failures.non2xx,
      unsuccessful: acc.unsuccessful + r.failures.unsuccessful,
    }),
    { errors: 0, non2xx: 0, unsuccessful: 0 },
  );
  const text = `${f.errors} / ${f.non2xx} / ${f.unsuccessful}`;
  return run.failures ? `**${text}**` : text;
};
const routes = (byRoute: Record<string, number>, per: number) =>
  Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ${round(n / per, 2)}`)
    .join(', ');

/** The generated part of bench/RESULTS.md. */
export function renderMarkdown(report: BenchReport, history: HistoryRow[]): string {
  const s = report.settings;
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`## Latest run: ${report.date}, commit \`${report.commit}\`${report.dirty ? ' (with uncommitted changes)' : ''}`);
  lines.push('');
  lines.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}`);
  lines.push(
    `- Settings: ${s.durationS} s per measured run after ${s.warmupS} s of warm-up; key workloads ×${s.reps} (medians shown); ` +
      `${s.batches} batches of 50 messages; server NODE_ENV=production, LOG_LEVEL=${s.logLevel}` +
      `${s.productionNodeFlags ? `, node ${s.productionNodeFlags} (start:prod)` : ''}${s.nodeFlags ? `, extra node flags ${s.nodeFlags}` : ''}; load generator, fake CRM and server on this machine`,
  );
  const flags = [...(s.quick ? ['--quick'] : []), ...(s.nodeFlags ? [`--node-flags="${s.nodeFlags}"`] : [])];
  lines.push(`- Command: \`npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}\``);
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| target | database | measured | verdict |');
  lines.push('| --- | --- | --- | --- |');
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.db} | ${t.measured} | ${verdict(t.pass)} |`);
  for (const d of report.databases.filter((d) => d.skipped)) {
    lines.push(`| (all) | ${d.db} | **SKIPPED: ${d.skipped}** | – |`);
  }
  for (const d of report.databases) {
    if (d.skipped) continue;
    lines.push('');
    lines.push(`### ${d.db}: peak RSS ${d.peakRssMb ?? '?'} MB (VmHWM), highest sampled VmRSS ${d.maxSampledRssMb ?? '?'} MB`);
    lines.push('');
    lines.push(
      '| workload | clients | CRM latency | req/s | p50 ms | p99 ms | CRM req/req | server CPU ms/req | max RSS MB | errors / non-2xx / unsuccessful | reps (req/s) |',
    );
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const l of d.loads) {
      const w = l.workload;
      lines.push(
        `| ${w.kind} | ${w.clients} | ${w.latencyMs} ms | ${l.median.rps} | ${l.median.p50} | ${l.median.p99} | ${l.median.crmPerRequest} | ` +
          `${l.median.serverCpuMsPerRequest} | ${l.median.maxRssMb} | ${failuresText(l)} | ${l.reps.map((r) => r.rps).join(', ')} |`,
      );
    }
    if (d.batches.length) {
      lines.push('');
      lines.push('| 50-message batch | CRM latency | batches | median ms | p90 ms | max ms | CRM requests (median / max) | unsuccessful |');
      lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const b of d.batches) {
        const r = b.result;
        lines.push(
          `| messageLog ×50 | ${b.workload.latencyMs} ms | ${r.batches} | ${r.wallMs.p50} | ${r.wallMs.p90} | ${r.wallMs.max} | ` +
            `${r.crmRequests.p50} / ${r.crmRequests.max} | ${r.failures.unsuccessful ? `**${r.failures.unsuccessful}**` : 0} |`,
        );
      }
    }
    lines.push('');
    lines.push('CRM requests per request, by route:');
    lines.push('');
    for (const l of d.loads) {
      const totalRequests = l.reps.reduce((sum, r) => sum + r.requests, 0);
      const byRoute: Record<string, number> = {};
      for (const r of l.reps) for (const [k, v] of Object.entries(r.crm.byRoute)) byRoute[k] = (byRoute[k] ?? 0) + v;
      lines.push(`- ${l.workload.id}: ${routes(byRoute, totalRequests) || 'none'}`);
    }
    for (const b of d.batches) lines.push(`- batch50-${b.workload.latencyMs}ms: ${routes(b.result.crmRequests.byRoute, b.result.batches)}`);
  }
  const samples = report.databases.flatMap((d) => [
    ...d.loads.flatMap((l) => l.reps.flatMap((r) => r.failures.samples.map((s) => `${d.db} ${l.workload.id}: ${s}`))),
    ...d.batches.flatMap((b) => b.result.failures.samples.map((s) => `${d.db} batch50-${b.workload.latencyMs}ms: ${s}`)),
  ]);
  if (samples.length) {
    lines.push('');
    lines.push('### Failed answers (samples)');
    lines.push('');
    for (const sample of samples.slice(0, 10)) lines.push(`- \`${sample.replace(/`/g, "'")}\``);
  }
  if (history.length) {
    lines.push('');
    lines.push('### History (SQLite, medians; from bench/results/*.json)');
    lines.push('');
    lines.push('| date | commit | batch50 @50 ms (CRM req, ms) | msg 1c @50 ms req/s | msg 8c @0 ms req/s, p99 | call 8c @0 ms req/s, p99 | peak RSS MB |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const h of history) lines.push(`| ${h.date} | ${h.commit} | ${h.batch} | ${h.single} | ${h.message8} | ${h.call8} | ${h.rss} |`);
  }
  return lines.join('\n');
}

export interface HistoryRow {
  date: string;
  commit: string;
  batch: string;
  single: string;
  message8: string;
  call8: string;
  rss: string;
}

/** One line per kept result file, oldest first. */
export function readHistory(resultsDir: string): HistoryRow[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      try {
        const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as BenchReport;
        const d = report.databases.find((x) => x.db === 'sqlite' && !x.skipped);
        if (!d) return [];
        const load = (id: string) => d.loads.find((l) => l.workload.id === id)?.median;
        const batch = d.batches.find((b) => b.workload.latencyMs === 50)?.result;
        const pair = (id: string) => {
          const l = load(id);
          return l ? `${l.rps}, ${l.p99} ms` : '–';
        };
        return [
          {
            date: report.date,
            commit: report.commit + (report.dirty ? '+' : ''),
            batch: batch ? `${batch.crmRequests.max}, ${batch.wallMs.p50} ms` : '–',
            single: String(load('message-1c-50ms')?.rps ?? '–'),
            message8: pair('message-8c-0ms'),
            call8: pair('call-8c-0ms'),
            rss: String(d.peakRssMb ?? '–'),
          },
        ];
      } catch {
        return [];
      }
    });
}

export const GENERATED_START = '<!-- bench:generated:start (npm run bench rewrites this part; write notes outside it) -->';
export const GENERATED_END = '<!-- bench:generated:end -->';

/** Replaces the generated part of RESULTS.md, keeping everything written around it. */
export function spliceResults(existing: string | undefined, generated: string): string {
  const block = `${GENERATED_START}\n${generated}\n${GENERATED_END}`;
  if (!existing) {
    return `# Benchmark results\n\nHow to run and read these: [README.md](README.md).\n\n${block}\n`;
  }
  const start = existing.indexOf(GENERATED_START);
  const end = existing.indexOf(GENERATED_END);
  if (start < 0 || end < start) return `${existing.trimEnd()}\n\n${block}\n`;
  return existing.slice(0, start) + block + existing.slice(end + GENERATED_END.length);
}
