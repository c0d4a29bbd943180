import type { CellValue } from '../db/table-spec.js'

/** `?, ?, ?` for n values. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ')
}

/** Splits values into chunks of at most `size` (a statement's parameter limit, a batch). */
export function chunked<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}

/** The keys of a result, in order. */
export function keysOf(rows: readonly Record<string, unknown>[], column: string): CellValue[] {
  return rows.map((r) => r[column] as CellValue)
}

/** Resolves after `ms` milliseconds, or at once when aborted. */
export function sleep(ms: number, abort?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    abort?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Stops a strategy between statements once its budget is spent. */
export function checkAbort(abort: AbortSignal): void {
  if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error('aborted')
}
