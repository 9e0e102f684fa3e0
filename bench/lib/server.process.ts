import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { scratchSchema } from '../../test/support/scratch-schema.js';
import { OUT_DIR, REPO_ROOT } from './paths.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: DatabaseKind;
  env: Record<string, string>;
  /** What to print: never the password (the local one has none, but keep the habit). */
  label: string;
  dispose(): Promise<void>;
}

/** A fresh SQLite file in a temp folder, removed afterwards. */
export function sqliteDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'app-connect-bench-'));
  const file = join(dir, 'bench.sqlite');
  return {
    kind: 'sqlite',
    env: { DATABASE_URL: `sqlite:${file}` },
    label: `sqlite (fresh file in ${dir})`,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Connects once to learn whether PostgreSQL is there; the reason when it is not. */
export async function postgresUnreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema of the given PostgreSQL database, dropped afterwards. */
export function postgresDatabase(url: string): BenchDatabase {
  const { schema, drop } = scratchSchema(url, 'bench');
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    label: `postgres ${new URL(url).host}${new URL(url).pathname}, schema ${schema}`,
    dispose: drop,
  };
}

export interface ProcessSample {
  rssKb: number;
  hwmKb: number;
  /** user + system CPU time of the process, in milliseconds */
  cpuMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS, VmHWM and CPU time from /proc (Linux); undefined once the process is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * The node flags of `npm run start:prod` in package.json, the one place they are kept:
 * the benchmark measures the server as production starts it.
 */
export function productionNodeFlags(): string[] {
  const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = packageJson.scripts?.['start:prod'] ?? '';
  const match = /^node((?:\s+--\S+)*)\s+dist\/main\.js$/.exec(script.trim());
  if (!match) throw new Error(`package.json "start:prod" should read "node [--flag ...] dist/main.js", not "${script}"`);
  return match[1]!.split(/\s+/).filter(Boolean);
}

export interface ServerOptions {
  database: BenchDatabase;
  crmUrl: string;
  logLevel: string;
  /** Node flags after the production ones (productionNodeFlags()), e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Where the server's stdout/stderr go. */
  logFile: string;
}

/** The built server (dist/main.js) as a child process, with an RSS sampler. */
export class BenchServer {
  /** Highest VmRSS sampled since the last resetWindow(). */
  windowMaxRssKb = 0;
  maxSampledRssKb = 0;
  private sampler?: NodeJS.Timeout;
  readonly startedAt = Date.now();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: ServerOptions): Promise<BenchServer> {
    const port = await freePort();
    mkdirSync(OUT_DIR, { recursive: true });
    // The server writes its log straight to the file: through a pipe to this process it
    // would wait whenever autocannon keeps this event loop busy.
    const log = openSync(options.logFile, 'w');
    const child = spawn(
      process.execPath,
      // The preload turns SIGTERM into a normal exit, so --cpu-prof gets to write its profile.
      // Extra flags come after the production ones, so they can override them.
      [...productionNodeFlags(), ...(options.nodeFlags ?? []), '--import', './bench/exit-on-signal.mjs', 'dist/main.js'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', log, log],
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: String(port),
          LOG_LEVEL: options.logLevel,
          APP_SERVER_SECRET_KEY: randomBytes(32).toString('hex'),
          HASH_KEY: randomBytes(16).toString('hex'),
          PIPEDRIVE_API_BASE_URL: options.crmUrl,
          PIPEDRIVE_OAUTH_BASE_URL: options.crmUrl,
          // The bench measures this server; every bench user is in one fake company.
          PIPEDRIVE_RATE_LIMIT_PER_2S: '0',
          LOCAL_CRM_SEED_DEMO: 'false',
          // The load comes from one address and a few users: limits far above it keep the
          // rate limiter's cost in the figures without it refusing the load.
          RATE_LIMIT_PER_CLIENT: '1000000000',
          RATE_LIMIT_PER_USER: '1000000000',
          RATE_LIMIT_LOGIN_PER_CLIENT: '1000000000',
          DATABASE_SCHEMA: '',
          ...options.database.env,
        },
      },
    );
    closeSync(log);
    const server = new BenchServer(child, `http://127.0.0.1:${port}`);
    await server.waitUntilAlive(options.logFile);
    server.sampler = setInterval(() => server.sample(), 200);
    server.sampler.unref();
    return server;
  }

  /** One reading now, folded into the maxima. */
  sample(): ProcessSample | undefined {
    const sample = sampleProcess(this.pid);
    if (sample) {
      this.windowMaxRssKb = Math.max(this.windowMaxRssKb, sample.rssKb);
      this.maxSampledRssKb = Math.max(this.maxSampledRssKb, sample.rssKb);
    }
    return sample;
  }

  resetWindow(): void {
    this.windowMaxRssKb = 0;
    this.sample();
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s); answers the last /proc reading before it. */
  async stop(): Promise<ProcessSample | undefined> {
    clearInterval(this.sampler);
    const last = this.sample();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    return last;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private async waitUntilAlive(logFile: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the server exited during start-up; see ${logFile}`);
      try {
        const response = await fetch(`${this.url}/isAlive`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(`the server did not answer /isAlive within 60 s; see ${logFile}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
