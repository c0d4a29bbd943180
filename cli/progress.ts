import cliProgress from 'cli-progress'
import type { SeedProgress } from '../seeds/seeder.js'
import { err } from './output.js'

/** Seconds between plain progress lines when stderr is not a terminal (CI logs). */
const PLAIN_INTERVAL_MS = 2000

export interface ProgressReporter {
  update(progress: SeedProgress): void
  stop(): void
}

/**
 * A progress bar with rows/s and ETA on a terminal; plain periodic lines otherwise, so CI logs show
 * progress without control characters.
 */
export function seedProgress(label: string, quiet = false): ProgressReporter {
  if (quiet) return { update: () => {}, stop: () => {} }
  const started = performance.now()
  const rate = (rows: number) => Math.round(rows / Math.max(0.001, (performance.now() - started) / 1000))
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {table}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    )
    let startedBar = false
    return {
      update: (p) => {
        if (!startedBar) {
          bar.start(p.total, 0, { rate: 0, table: p.table })
          startedBar = true
        }
        bar.update(p.rows, { rate: rate(p.rows), table: p.table })
      },
      stop: () => startedBar && bar.stop(),
    }
  }
  let lastLine = 0
  return {
    update: (p) => {
      const now = performance.now()
      if (now - lastLine < PLAIN_INTERVAL_MS && p.rows < p.total) return
      lastLine = now
      const eta = p.rows > 0 ? ((p.total - p.rows) / rate(p.rows)).toFixed(0) : '?'
      err(
        `${label}: ${p.rows}/${p.total} rows (${Math.round((100 * p.rows) / p.total)}%), ${rate(p.rows)} rows/s, ETA ${eta} s — ${p.table}`,
      )
    },
    stop: () => {},
  }
}
