// The browser test runs apart from `npm test` (its files end in .browser.ts, outside the main suite's
// *.test.ts): `npm run test:browser` installs chromium first, then runs it. CI runs both.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
