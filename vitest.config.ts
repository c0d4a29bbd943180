import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/announce-servers.ts'],
    // CLI tests run whole matrices (seed, runs, reports) in child processes, slower under a parallel run.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one: a single worker on a 2-core CI machine. Most
    // tests wait on servers and child processes, not the CPU, so two files at a time halve the wait.
    maxWorkers: 2,
  },
})
