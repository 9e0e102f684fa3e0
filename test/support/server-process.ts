import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDatabase } from './test-app.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(REPO_ROOT, 'dist', 'main.js');

/**
 * Builds the server once per test file (`npm run build`): tsx cannot run it, as it
 * emits no decorator metadata. Tests that kill the server need it as a real process.
 */
export function buildServer(): void {
  // For a quick re-run of one test file after `npm run build` (never in CI).
  if (process.env.REUSE_SERVER_BUILD === '1' && existsSync(MAIN)) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (!existsSync(MAIN)) throw new Error(`npm run build made no ${MAIN}`);
}

export interface ServerProcessOptions {
  database: TestDatabase;
  env?: Record<string, string>;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Reuse a port (a restart the clients find where they left it). */
  port?: number;
}

/** The built server (dist/main.js) as a child process on 127.0.0.1. */
export class ServerProcess {
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const port = options.port ?? (await freePort());
    const log = openSync(options.logFile, 'a');
    const child = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // Fixed, so sessions and stored credentials outlive a restart.
        APP_SERVER_SECRET_KEY: 'fault-tests-secret-that-is-long-enough-0123456789',
        HASH_KEY: 'fault-tests-hash-key-0123456789',
        LOCAL_CRM_SEED_DEMO: 'false',
        DATABASE_URL: options.database.DATABASE_URL,
        DATABASE_SCHEMA: options.database.DATABASE_SCHEMA ?? '',
        ...options.env,
      },
    });
    closeSync(log);
    const server = new ServerProcess(child, port, options.logFile);
    await server.waitUntilAlive();
    return server;
  }

  /** Sends the signal and resolves with how the process ended and how long that took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    if (!this.exited) this.child.kill(signal);
    const ended = await this.exit;
    return { ...ended, ms: Date.now() - started };
  }

  /** The last lines of its log, for a failure message. */
  tail(lines = 30): string {
    if (!existsSync(this.logFile) || statSync(this.logFile).size === 0) return '(empty log)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private async waitUntilAlive(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the server exited during start-up:\n${this.tail()}`);
      try {
        if ((await fetch(`${this.url}/isAlive`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    this.child.kill('SIGKILL');
    throw new Error(`the server did not answer /isAlive within 60 s:\n${this.tail()}`);
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
