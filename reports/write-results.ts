import fs from 'node:fs'
import path from 'node:path'
import { DelbenchError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { ResultsDocument } from '../core/results-schema.js'

/**
 * Writes a file atomically: to a temporary file beside it, flushed, then renamed over the target, so a
 * reader sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.tmp-${process.pid}`
  try {
    const fd = fs.openSync(temporary, 'w')
    try {
      fs.writeFileSync(fd, content)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(temporary, file)
  } catch (error) {
    // A full disk leaves no half-written temporary behind, and the old file as it was.
    fs.rmSync(temporary, { force: true })
    throw error
  }
}

/**
 * Makes sure results can be written to `dir` before any work is done (a run may take an hour): creates
 * it, writes and removes a probe file. Refuses with one line naming the folder and the reason.
 */
export function assertWritableDirectory(dir: string, flag = '--out'): void {
  const probe = path.join(dir, `.delbench-probe-${process.pid}`)
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(probe, '')
    fs.rmSync(probe)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new DelbenchError(
      `cannot write results to ${dir} (${code}): choose a folder delbench may write with ${flag}`,
    )
  }
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
