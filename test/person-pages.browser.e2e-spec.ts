import { maskAddress, verifyConsentLedger } from '@app/domain';
import { registerCustomer, rowsOf, TestApi, TestOrg } from '@app/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when it is missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'docs');

/**
 * The preference page as a person meets it, in a real browser at phone width: it renders, its
 * controls work from the keyboard in a sensible order, opening it changes nothing, and saving
 * shows what changed. The screenshots in docs/ come from here.
 */
describe('the preference page in a browser', () => {
  let api: TestApi;
  let org: TestOrg;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('browser');
    const branded = await api.put('/v1/org/branding', { displayName: 'Sawyer & Finn Outfitters', accentColor: '#0f766e' }, org);
    expect(branded.status).toBe(200);
    await api.app.listen(0, '127.0.0.1');
    base = await api.app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    const report = await verifyConsentLedger(api.dataSource, [org.orgId]);
    expect(report.mismatches).toEqual([]);
    await api.close();
  });

  /** The ledger rows written since `before`, as [dialect, topic, status]; the last one came from the browser. */
  const expectRecordedByBrowser = async (customerId: number, before: number, expected: string[][]) => {
    const ledger = await rowsOf(api, 'consent_ledger', customerId);
    expect(ledger.slice(before).map((r: any) => [r.dialect, r.topic, r.status])).toEqual(expected);
    expect(ledger[ledger.length - 1].user_agent).toMatch(/Chrome/);
  };

  const focused = (page: Page) => page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | HTMLButtonElement | null;
    return el ? `${el.tagName.toLowerCase()}:${el.textContent?.trim() || el.value}` : null;
  });

  it('renders, works from the keyboard, changes nothing on open and saves on submit', async () => {
    const customer = await registerCustomer(api, org, { email: 'tom.sawyer@example.com' });
    for (const topic of ['BULK', 'NEWS', 'OFFERS']) {
      await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic, address: customer.email, status: 'OPTIN' }, org);
    }
    const minted = await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }] }, org);
    const url = `${base}${new URL(minted.body.items[0].url).pathname}`;
    const ledgerBefore = (await rowsOf(api, 'consent_ledger', customer.id)).length;

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('Your email preferences');
    expect(await page.getByText('t*********@example.com').count()).toBe(1);
    // The org's branding, as set through the API: its name in the header, its accent on the main button.
    expect(await page.locator('header').textContent()).toBe('Sawyer & Finn Outfitters');
    expect(await page.getByRole('button', { name: 'Unsubscribe from BULK' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(15, 118, 110)');
    // Every checkbox has its label.
    expect(await page.getByLabel('NEWS').isChecked()).toBe(true);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'person-preference-page.png'), fullPage: true });
    expect((await rowsOf(api, 'consent_ledger', customer.id)).length).toBe(ledgerBefore);

    // Focus order: the link's own button first, then each topic, then save, then "everything".
    const order: Array<string | null> = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    expect(order).toEqual([
      'button:Unsubscribe from BULK',
      'input:BULK',
      'input:NEWS',
      'input:OFFERS',
      'button:Save my choices',
      'button:Unsubscribe from everything by email',
    ]);
    // Untick OFFERS with the space bar, then submit with Enter on Save.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('input:OFFERS');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    // The form posts to the page's own URL, so waiting for the URL proves nothing: wait for the answer's heading.
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Your choices are saved' }).waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(url);
    expect(await page.locator('[role=status]').textContent()).toContain('Unsubscribed from OFFERS');
    await page.screenshot({ path: join(SCREENSHOTS, 'person-saved-page.png'), fullPage: true });

    await expectRecordedByBrowser(customer.id, ledgerBefore, [['preference-page', 'OFFERS', 'OPTOUT']]);
    await page.close();
  });

  it('double opt-in: the confirm page renders, changes nothing on open, and confirms from the keyboard', async () => {
    const customer = await registerCustomer(api, org, { email: 'becky.thatcher@example.com' });
    const asked = await api.put(`/v1/customers/${customer.id}/consents`, { channel: 'EMAIL', topic: 'NEWS', address: customer.email, status: 'OPTIN', confirm: true }, org);
    expect(asked.body.record.status).toBe('UNCONFIRMED');
    const events = await rowsOf(api, 'events', customer.id);
    const url = `${base}${new URL(events[events.length - 1].payload.confirmUrl).pathname}`;
    const ledgerBefore = (await rowsOf(api, 'consent_ledger', customer.id)).length;

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await page.goto(url);
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect(await page.getByText(maskAddress(customer.email)).count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'person-confirm-page.png'), fullPage: true });
    expect((await rowsOf(api, 'consent_ledger', customer.id)).length).toBe(ledgerBefore);

    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Yes, subscribe me');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Subscription confirmed' }).waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(url);
    await page.screenshot({ path: join(SCREENSHOTS, 'person-confirmed-page.png'), fullPage: true });

    await expectRecordedByBrowser(customer.id, ledgerBefore, [['confirm-page', 'NEWS', 'OPTIN']]);
    await page.close();
  });
});
