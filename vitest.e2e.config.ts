import { defineConfig } from 'vitest/config';

// End-to-end tests: the built extension in Debian's Chromium and Firefox against the demo fleet
// on 127.0.0.1. Two files at a time: much of their time is waiting (a 35 s slow pass, a worker
// restarted by its alarm), and each starts its own fleet on free ports and its own browser.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
