import { defineConfig } from 'vitest/config';

export default defineConfig({
  // test/fixture holds a project of its own, run by the tests as a child vitest
  test: { include: ['test/*.test.ts'], testTimeout: 60_000 },
});
