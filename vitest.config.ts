import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Native addons need process isolation (the default forks pool).
    pool: 'forks',
    // The public API's types (test/*.test-d.ts), checked by tsc with expectTypeOf.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.test.json' },
  },
});
