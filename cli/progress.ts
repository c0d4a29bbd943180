import { createRequire } from 'node:module'
import type cliProgressModule from 'cli-progress'
import { err } from './output.js'

/** The bar library, loaded only for a terminal: a log or a pipe gets plain lines, and starts sooner. */
const loadBars = (): typeof cliProgressModule =>
  createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule

/** Seconds between plain progress lines when stderr is not a terminal (CI logs). */
const PLAIN_INTERVAL_MS = 2000

export interface ProgressUpdate {
  /** Rows done so far, of `total`. */
  readonly done: number
  readonly total: number
  /** What is being worked on (a table). */
  readonly detail?: string
  /**
   * How long the work counted in `done` has taken, where it is not the time since the reporter started
   * (a run's current iteration: each starts from 0 rows, and its rate is its own).
   */
  readonly elapsedMs?: number
}

export interface ProgressReporter {
  update(progress: ProgressUpdate): void
  stop(): void
}

/**
 * A progress bar with rows/s and ETA on a terminal; plain periodic lines otherwise, so CI logs show
 * progress without control characters. Everything goes to stderr: stdout stays for results.
 */
export function rowProgress(label: string, quiet = false): ProgressReporter {
  if (quiet) return { update: () => {}, stop: () => {} }
  const started = performance.now()
  const rate = (p: ProgressUpdate) =>
    Math.round(p.done / Math.max(0.001, (p.elapsedMs ?? performance.now() - started) / 1000))
  if (process.stderr.isTTY) {
    const cliProgress = loadBars()
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {detail}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    )
    let running = false
    return {
      update: (p) => {
        if (!running) {
          bar.start(p.total, 0, { rate: 0, detail: p.detail ?? '' })
          running = true
        }
        bar.setTotal(p.total)
        bar.update(p.done, { rate: rate(p), detail: p.detail ?? '' })
      },
      stop: () => {
        if (running) bar.stop()
      },
    }
  }
  // The first plain line only after an interval: quick work needs no progress lines at all.
  let lastLine = started
  return {
    update: (p) => {
      const now = performance.now()
      if (now - lastLine < PLAIN_INTERVAL_MS) return
      lastLine = now
      const r = rate(p)
      const eta = p.done > 0 && r > 0 ? ((p.total - p.done) / r).toFixed(0) : '?'
      const share = p.total > 0 ? Math.round((100 * p.done) / p.total) : 0
      err(
        `${label}: ${p.done}/${p.total} rows (${share}%), ${r} rows/s, ETA ${eta} s${p.detail ? ` — ${p.detail}` : ''}`,
      )
    },
    stop: () => {},
  }
}

/** Seeding progress in the shape the seeder reports it. */
export function seedUpdate(p: { rows: number; total: number; table: string }): ProgressUpdate {
  return { done: p.rows, total: p.total, detail: p.table }
}
