// The browser for the end-to-end tests: the system's Chromium (Debian's /usr/bin/chromium, which
// .ci/run installs when missing) driven by playwright-core, which never downloads a browser.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const executablePath = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} does not exist: install Chromium (\`apt-get install chromium\`).`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      // keyboard scrolls land at once instead of animating, so a test sees where one ends
      '--disable-smooth-scrolling',
    ],
  });
}
