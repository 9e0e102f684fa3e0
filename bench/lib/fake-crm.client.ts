import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type FakeCrmCommand =
  | { id: number; cmd: 'latency'; ms: number }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'stats' };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface FakeCrmStats {
  total: number;
  byRoute: Record<string, number>;
}

export type FakeCrmReply = { id: number; ok: true; stats?: FakeCrmStats };

export interface FakeCrmReady {
  type: 'ready';
  url: string;
  /** Personal API tokens of the fake's users, one per simulated agent. */
  apiTokens: string[];
  /** Pipedrive person ids the workloads log against. */
  personIds: number[];
}

const PROCESS_FILE = fileURLToPath(new URL('../fake-crm.process.ts', import.meta.url));

/** The parent's handle on the fake Pipedrive process (bench/fake-crm.process.ts). */
export class FakeCrm {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: FakeCrmReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly info: FakeCrmReady,
  ) {
    child.on('message', (message: FakeCrmReply) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(): Promise<FakeCrm> {
    const child = fork(PROCESS_FILE, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<FakeCrmReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the fake CRM did not start within 20 s')), 20_000);
      child.once('message', (message: FakeCrmReady) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.once('exit', (code) => reject(new Error(`the fake CRM exited early (code ${code})`)));
    });
    return new FakeCrm(child, ready);
  }

  get url(): string {
    return this.info.url;
  }

  async setLatency(ms: number): Promise<void> {
    await this.send({ cmd: 'latency', ms });
  }

  async reset(): Promise<void> {
    await this.send({ cmd: 'reset' });
  }

  async stats(): Promise<FakeCrmStats> {
    return (await this.send({ cmd: 'stats' })).stats!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: WithoutId<FakeCrmCommand>): Promise<FakeCrmReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...command, id });
    });
  }
}
