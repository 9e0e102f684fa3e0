import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loggableError } from '../src/common/app-exception.filter.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Starts src/main.ts as the server process would run, with exactly `env`; resolves when it exits. */
function runServer(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('safe defaults', () => {
  it('refuses to start with the public development secret unless NODE_ENV says development or test', async () => {
    const unset = await runServer({});
    expect(unset.code).toBe(1);
    expect(unset.output).toContain('APP_SERVER_SECRET_KEY is required unless NODE_ENV is development or test');
    expect(unset.output).not.toContain('listening');
    const staging = await runServer({ NODE_ENV: 'production', HASH_KEY: 'h'.repeat(20) });
    expect(staging.code).toBe(1);
    expect(staging.output).toContain('APP_SERVER_SECRET_KEY is required when NODE_ENV=production');
  });

  it('runs npm start in development explicitly', async () => {
    const { readFile } = await import('node:fs/promises');
    const scripts = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    // Built first (tsc), then the server itself runs with NODE_ENV=development.
    expect(scripts.start).toMatch(/&& NODE_ENV=development node dist\/main\.js$/);
  });

  it('writes request logs without the session token, the RingCentral token or the phone number', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: sink });
    try {
      const jwt = await t.login();
      await t.http
        .get(`/contact?phoneNumber=%2B14155550100&jwtToken=${jwt}`)
        .set('Authorization', `Bearer ${jwt}`)
        .set('X-RC-Access-Token', 'rc-secret')
        .expect(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const written = lines.join('');
      // The request is logged by its path alone: queries carry numbers and legacy tokens.
      expect(written).toContain('"path":"/contact"');
      for (const secret of [jwt, 'rc-secret', '4155550100', '"demo"']) expect(written).not.toContain(secret);
    } finally {
      await t.close();
    }
  });

  it('logs a database error without its parameters or driver detail', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      name: 'QueryFailedError',
      code: '23505',
      query: 'INSERT INTO users (token) VALUES ($1)',
      parameters: ['crm-token-secret', '+14155550100'],
      driverError: { detail: 'Key (token)=(crm-token-secret) already exists.' },
    });
    const logged = JSON.stringify(loggableError(error));
    expect(logged).toContain('duplicate key value');
    expect(logged).toContain('23505');
    expect(logged).not.toContain('crm-token-secret');
    expect(logged).not.toContain('4155550100');
  });
});

describe('CORS from settings (e2e)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  const preflight = (origin: string) =>
    t.http.options('/contact').set('Origin', origin).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');

  it('admits browser extensions by default and no web page, and still exposes the refreshed-token header', async () => {
    t = await createTestApp();
    const extension = await preflight('chrome-extension://abcdefghijklmnop');
    expect(extension.headers['access-control-allow-origin']).toBe('chrome-extension://abcdefghijklmnop');
    const page = await preflight('https://evil.example');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await t.http.get('/isAlive').set('Origin', 'moz-extension://1234');
    expect(simple.headers['access-control-expose-headers']).toContain('x-refreshed-jwt-token');
  });

  it('admits exactly the configured origins', async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://crm.example.com' } });
    expect((await preflight('https://crm.example.com')).headers['access-control-allow-origin']).toBe('https://crm.example.com');
    expect((await preflight('chrome-extension://abcdefghijklmnop')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight('https://crm.example.com.evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('trusts X-Forwarded-For only from configured proxies', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_CLIENT: '1' } });
    // Not trusted by default: a forged X-Forwarded-For does not buy a fresh budget.
    await t.http.get('/crmManifest').set('X-Forwarded-For', '203.0.113.1').expect(200);
    await t.http.get('/crmManifest').set('X-Forwarded-For', '203.0.113.2').expect(429);
    await t.close();
    t = await createTestApp({ env: { RATE_LIMIT_PER_CLIENT: '1', TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' } });
    await t.http.get('/crmManifest').set('X-Forwarded-For', '203.0.113.1').expect(200);
    await t.http.get('/crmManifest').set('X-Forwarded-For', '203.0.113.2').expect(200);
    await t.http.get('/crmManifest').set('X-Forwarded-For', '203.0.113.2').expect(429);
  });
});
