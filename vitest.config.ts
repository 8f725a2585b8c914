import { defineConfig } from 'vitest/config';

// Unit and Node-level integration tests live in tests/ (mirroring the folders they test; shared
// scaffolding in tests/support/). Browser flows live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
