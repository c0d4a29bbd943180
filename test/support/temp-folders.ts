import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** This test run's one folder in the OS temp dir: every folder a test makes goes inside it. */
    tempRoot: string
  }
}

/**
 * For the global setup: makes this run's temp root and hands it to the test workers; the returned
 * teardown removes it with all the SQLite folders, results and strategy files the tests left in it.
 * Only this run's root is removed, so runs side by side (or a developer's) keep theirs.
 */
export function provideTempRoot(project: TestProject): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'delbench-test-suite-'))
  // Passable, not listable, by other users: a private PostgreSQL cluster runs as `postgres` in a
  // folder here (each folder inside keeps mkdtemp's owner-only mode).
  fs.chmodSync(root, 0o711)
  project.provide('tempRoot', root)
  return () => fs.rmSync(root, { recursive: true, force: true })
}

/** A fresh folder inside this run's temp root, for SQLite files, results and strategy files a test makes. */
export function tempFolder(label: string): string {
  return fs.mkdtempSync(path.join(inject('tempRoot'), `${label}-`))
}
