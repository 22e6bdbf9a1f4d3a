import { defineConfig } from 'vitest/config'

// Tests run in plain Node: everything but the thin Electron shell must be importable here.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests that spawn bin/epsinas.mjs run a fresh CLI bundle of the current sources (or the sources).
    globalSetup: ['tests/cli-bundle.global-setup.ts'],
    reporters: ['default'],
  },
})
