import { defineConfig } from 'vitest/config';

// End-to-end tests: the built extension in Debian's Chromium against the demo fleet on 127.0.0.1.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
