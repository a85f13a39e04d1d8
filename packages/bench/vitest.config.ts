import { LeftOutReporter, servicesLeftOut } from '@chat/vitest-config';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // one --quick run of the whole bench: minutes on a loaded 2-core machine
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
    reporters: [
      'default',
      new LeftOutReporter(servicesLeftOut(['DATABASE_URL', 'REDIS_URL'], process.env)),
    ],
  },
});
