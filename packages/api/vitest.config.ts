import { LeftOutReporter, servicesLeftOut } from '@chat/vitest-config';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // without the services, one line says which suites were left out and how to run them
    reporters: [
      'default',
      new LeftOutReporter(servicesLeftOut(['DATABASE_URL', 'REDIS_URL'], process.env)),
    ],
  },
});
