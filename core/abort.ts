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

/** Stops work between statements once its budget is spent. */
export function checkAbort(abort: AbortSignal): void {
  if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error('aborted')
}
