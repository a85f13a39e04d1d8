import { existsSync } from 'node:fs';
import { LeftOutReporter } from '@chat/vitest-config';
import { defineConfig } from 'vitest/config';

// The browser tests need Debian's Chromium (.ci/run installs it). On a machine without it the
// README's test command still runs everything else; the browser project is simply not there.
const hasChromium = existsSync('/usr/bin/chromium');

export default defineConfig({
  test: {
    reporters: [
      'default',
      new LeftOutReporter(
        hasChromium
          ? undefined
          : {
              because: '/usr/bin/chromium is missing',
              alsoLeftOut: 'the browser tests (apps/web/e2e)',
              howToRun: 'apt-get install -y chromium, then npx --yes pnpm@10 test',
            },
      ),
    ],
    projects: [
      // Unit tests of the client's pure logic: no DOM needed.
      { test: { name: 'unit', environment: 'node', include: ['src/**/*.test.ts'] } },
      // Components and browser-facing modules in happy-dom, through Testing Library.
      {
        test: {
          name: 'component',
          environment: 'happy-dom',
          include: ['src/**/*.test.tsx'],
          setupFiles: ['src/test/setup.ts'],
        },
      },
      // The built server and client in a real Chromium (e2e/): slower, so longer limits.
      ...(hasChromium
        ? [
            {
              test: {
                name: 'e2e',
                environment: 'node',
                include: ['e2e/**/*.e2e.test.ts'],
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
