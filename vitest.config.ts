import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Native addons need process isolation (the default forks pool).
    pool: 'forks',
  },
});
