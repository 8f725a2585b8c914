import { defineConfig } from 'vitest/config';

// Unit and Node-level integration tests. Browser flows live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'lib/**/*.test.ts',
      'server/**/*.test.ts',
      'sw/**/*.test.ts',
      'src/**/*.test.ts',
      'chaos/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
