/** Debian's Chromium driven by playwright-core, headless, with every network request refused. */
import * as fs from 'fs';
import { chromium, Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.TL_CHROMIUM ?? '/usr/bin/chromium';

/** `allow`: URL prefixes still reachable (a local JupyterLab); everything else is refused. */
export async function launchOffline(options: { allow?: string[] } = {}): Promise<{ browser: Browser; page: Page; networkAttempts: string[] }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set TL_CHROMIUM`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const networkAttempts: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || options.allow?.some((a) => url.startsWith(a))) return route.continue();
    networkAttempts.push(url);
    return route.abort('internetdisconnected');
  });
  return { browser, page: await context.newPage(), networkAttempts };
}
