import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    setupFiles: ['fake-indexeddb/auto'],
    // Unit tests talk only to servers they start on 127.0.0.1.
    testTimeout: 20_000,
    // Starting the demo fleet (several servers and their seeded worlds) takes seconds, and much
    // longer on a machine shared with other suites: a start-up is not what these tests time.
    hookTimeout: 60_000,
  },
});
