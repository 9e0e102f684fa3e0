import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { LocalCrmStore } from '../src/connectors/local/local-crm.store.js';
import { callBody, newSessionId, OPERATOR_TOKEN } from './support/console-fixtures.js';
import { FakePipedriveServer } from './fakes/fake-pipedrive.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Debian's Chromium; .ci/run installs it. Without it this file is skipped, saying so. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `SKIPPED: the console's browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium); .ci/run installs it.`;
if (chromiumMissing) console.warn(chromiumMissing);

const INJECTED = '<script>window.__injected = true</script>';
const PIPEDRIVE_TOKEN = 'pd-api-token-console-0123456789';

describe.skipIf(chromiumMissing !== undefined)('console in Chromium (browser)', () => {
  let pipedrive: FakePipedriveServer;
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  /** Every console message the page printed; CSP violations are reported there. */
  const consoleMessages: string[] = [];
  const cspViolations = () => consoleMessages.filter((text) => /Content Security Policy|Refused to/i.test(text));

  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('#sign-in-key');
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    pipedrive = await FakePipedriveServer.start();
    pipedrive.addUser({ id: 21, name: 'Paula Pipedrive' }, PIPEDRIVE_TOKEN);
    t = await createTestApp({
      // The worker stays out of the way, so the retry button is what delivers the queued write.
      env: {
        ...pipedrive.env(),
        CRM_HTTP_MAX_RETRIES: '0',
        CONTACT_CACHE_TTL_SECONDS: '0',
        CONSOLE_ADMIN_TOKEN: OPERATOR_TOKEN,
        OUTBOX_POLL_MS: '3600000',
        OUTBOX_RETRY_BASE_MS: '3600000',
        OUTBOX_RETRY_MAX_MS: '3600000',
        OUTBOX_LEASE_MS: '7200000',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await pipedrive?.close();
  });

  it('signs in with the local key and shows a call logged through the API with its body; injected markup stays text', async () => {
    const jwt = await t.login();
    const sessionId = newSessionId();
    await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send(callBody(sessionId, { note: `Renewal call ${INJECTED}` }))
      .expect(200);
    await t.get(LocalCrmStore).createContact({
      name: `Mallory ${INJECTED}`,
      phoneNumber: '+1 415 555 0142',
      phoneE164: '+14155550142',
      type: 'Lead',
      company: null,
      email: null,
    });

    await page.goto(`${baseUrl}/console`);
    await page.fill('#sign-in-key input[name=apiKey]', 'demo');
    await page.click('#sign-in-key button');
    await page.waitForSelector('#logs');
    expect(page.url()).toBe(`${baseUrl}/console`);

    const callLog = page.locator('article.log[data-kind=call]', { hasText: sessionId });
    const shownBody = await callLog.locator('pre.body').textContent();
    // Exactly the body the local CRM got, shown as text.
    const [activity] = (await t.get(LocalCrmStore).listActivities(ownerOf('demo'), 'call')).filter(
      (a) => a.details?.sessionId === sessionId,
    );
    expect(shownBody).toBe(activity!.body);
    expect(shownBody).toContain(INJECTED);
    await expect(page.locator('#local-crm tr.contact', { hasText: 'Mallory' }).locator('td').nth(1).textContent()).resolves.toBe(`Mallory ${INJECTED}`);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    // The session cookie is out of the page's reach.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await screenshot('console-local-user');
    expect(cspViolations()).toEqual([]);
  });

  it('shows a write queued while the fake Pipedrive is down, and the retry button delivers it once it is back', async () => {
    await signOut();
    const person = pipedrive.addPerson({ name: `Petra ${INJECTED}`, phones: ['+14155550177'] });
    const jwt = await t.login('pipedrive', PIPEDRIVE_TOKEN, { hostname: 'acme.pipedrive.com' });
    await pipedrive.refuseConnections();
    const sessionId = newSessionId();
    const queued = await t.http
      .post('/callLog')
      .set('Authorization', `Bearer ${jwt}`)
      .send(callBody(sessionId, { contactId: String(person.id), contactName: person.name, note: 'Logged while Pipedrive was down' }))
      .expect(200);
    expect(queued.body.successful).toBe(true);
    expect(queued.body.logId).toBeUndefined();

    await page.fill('#sign-in-jwt input[name=jwtToken]', jwt);
    await page.click('#sign-in-jwt button');
    await page.waitForSelector('#outbox');
    const row = page.locator('tr.outbox-item[data-state=pending]');
    await expect(row.textContent()).resolves.toMatch(/Pipedrive could not be reached/);
    expect(await page.locator('article.log pre.body').count()).toBe(0);
    await screenshot('console-queued');

    await pipedrive.acceptConnections();
    await row.getByRole('button', { name: 'Retry now' }).click();
    await page.waitForSelector('#flash:not([hidden])');
    await expect(page.locator('#flash').textContent()).resolves.toBe('Delivered to the CRM.');
    expect(await page.locator('tr.outbox-item').count()).toBe(0);
    const shownBody = await page.locator('article.log[data-kind=call]', { hasText: sessionId }).locator('pre.body').textContent();
    const [activity] = [...pipedrive.activities.values()];
    expect(shownBody).toBe(activity!.note);
    expect(shownBody).toContain('Logged while Pipedrive was down');
    await screenshot('console-retried');
    expect(cspViolations()).toEqual([]);
  });

  it('opens the operator view with the operator token: connectors, outbox, CRM errors by connector', async () => {
    await signOut();
    await page.fill('#sign-in-operator input[name=token]', OPERATOR_TOKEN);
    await page.click('#sign-in-operator button');
    await page.waitForSelector('#connectors');
    expect(page.url()).toBe(`${baseUrl}/console/operator`);
    const connectors = await page.locator('tr.connector td:first-child').allTextContents();
    expect(connectors).toEqual(expect.arrayContaining(['local', 'pipedrive', 'clio', 'bullhorn']));
    const errors = page.locator('#crm-errors');
    await expect(errors.locator('h3').allTextContents()).resolves.toEqual(['pipedrive']);
    await expect(errors.locator('tr.crm-error').first().textContent()).resolves.toMatch(/(GET|POST) \/api\/v2\/[a-z]+.*network_error.*could not be reached \(ECONNREFUSED\)/s);
    await screenshot('console-operator');
    expect(cspViolations()).toEqual([]);
  });

  it('reports a CSP violation when something outside the policy is tried (the check can fail)', async () => {
    // A page of ours cannot inline a script; prove the console listener would see it if it did.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.src = 'https://example.invalid/x.js';
      document.head.appendChild(script);
    });
    await expect.poll(() => cspViolations().length, { timeout: 5_000 }).toBeGreaterThan(0);
    consoleMessages.length = 0;
  });
});

/** The local CRM's owner id for a key, as its connector derives it. */
function ownerOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}
