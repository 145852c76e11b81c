/** Debian's Chromium driven by playwright-core, headless, with every network request refused. */
import { chromium, Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.TL_CHROMIUM ?? '/usr/bin/chromium';

export async function launchOffline(): Promise<{ browser: Browser; page: Page; networkAttempts: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const networkAttempts: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    networkAttempts.push(url);
    return route.abort('internetdisconnected');
  });
  return { browser, page: await context.newPage(), networkAttempts };
}
