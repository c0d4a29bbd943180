/** Peak memory of this process over a stretch of work, sampled on a timer (the OS keeps no per-span peak). */
export interface MemoryPeaks {
  readonly peakRssBytes: number
  readonly peakHeapBytes: number
}

const SAMPLE_MS = 20

/** Starts sampling; `peaks()` are those seen so far, `stop()` returns them including one last sample. */
export function sampleMemory(): { peaks(): MemoryPeaks; stop(): MemoryPeaks } {
  let peakRssBytes = 0
  let peakHeapBytes = 0
  const sample = () => {
    const usage = process.memoryUsage()
    peakRssBytes = Math.max(peakRssBytes, usage.rss)
    peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed)
  }
  sample()
  const timer = setInterval(sample, SAMPLE_MS)
  timer.unref()
  return {
    peaks: () => ({ peakRssBytes, peakHeapBytes }),
    stop: () => {
      clearInterval(timer)
      sample()
      return { peakRssBytes, peakHeapBytes }
    },
  }
}

/**
 * A full collection, where the process was started with `--expose-gc` (runner children are): what the
 * restore and the last verification left behind is then not collected, and counted, inside a timed
 * iteration, and the heap peak is the strategy's own.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
}
