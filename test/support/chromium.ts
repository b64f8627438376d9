import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium (or CHROMIUM_PATH), headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install -y chromium (npm test does it)`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ChromiumPages {
  /** A new page (in a context of its own, with `options`), closed by the next `closePages`. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Closes the pages opened since the last call; first in `afterEach`, before their servers. */
  closePages(): Promise<void>;
}

/**
 * One Chromium for the calling test file: launched before its tests, closed after them. Call it
 * at the file's top level.
 */
export function useChromium(): ChromiumPages {
  let browser: Browser | undefined;
  const open: Page[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());
  return {
    async newPage(options) {
      const page = await browser!.newPage(options);
      open.push(page);
      return page;
    },
    async closePages() {
      await Promise.all(open.splice(0).map((page) => page.close()));
    },
  };
}
