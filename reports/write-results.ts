import fs from 'node:fs'
import path from 'node:path'
import { redact } from '../db/redact.js'
import type { ResultsDocument } from './results-schema.js'

/**
 * Writes a file atomically: to a temporary file beside it, flushed, then renamed over the target, so a
 * reader sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.tmp-${process.pid}`
  const fd = fs.openSync(temporary, 'w')
  try {
    fs.writeFileSync(fd, content)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temporary, file)
}

/** The results document as written: redacted once more, whatever reached it. */
export function writeResults(file: string, document: ResultsDocument): void {
  writeFileAtomic(file, redact(JSON.stringify(document, null, 2)) + '\n')
}

/** `results/<timestamp>/` under `base`, and `results/latest` pointing at it. */
export function timestampedOutDir(base: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  return path.join(base, stamp)
}

/** Points `<base>/latest` at `dir` (a relative symlink, replaced atomically). */
export function linkLatest(base: string, dir: string): void {
  const link = path.join(base, 'latest')
  const temporary = `${link}.tmp-${process.pid}`
  fs.rmSync(temporary, { force: true })
  fs.symlinkSync(path.relative(base, dir), temporary)
  fs.renameSync(temporary, link)
}
