import { checkAbort, sleep } from '../core/abort.js'
import { DEFAULT_LAG_WAIT_MS, DEFAULT_MAX_LAG_MS, type StrategyContext } from './strategy.js'

/** How often a paused strategy looks at the replicas' lag again (it is sampled every 100 ms). */
const POLL_MS = 50

/** Why a throttled strategy cannot run: it throttles on replicas, and the run measures none. */
export function noReplicaRefusal(replicas: number | undefined): string | undefined {
  return replicas ? undefined : 'throttles on replica lag: give --replica URL (a replica of the --db)'
}

/**
 * pt-archiver's `--check-slave-lag` between batches: waits while any replica's lag is above
 * `--max-lag`, or unknown (a stopped or unreadable replica pauses too), and fails in one line once a
 * pause has lasted `--lag-wait`. Records how often and how long it paused (`lagPauses`,
 * `lagPausedMs`). Where the run has no replicas it never waits.
 */
export class LagThrottle {
  readonly #ctx: StrategyContext
  #pauses = 0
  #pausedMs = 0

  constructor(ctx: StrategyContext) {
    this.#ctx = ctx
  }

  /** Resolves once every replica's lag is known and at most `--max-lag`; throws after `--lag-wait`. */
  async wait(): Promise<void> {
    const { replicaLag, options, abort } = this.#ctx
    if (!replicaLag) return
    const maxLag = options.maxLagMs ?? DEFAULT_MAX_LAG_MS
    const limit = options.lagWaitMs ?? DEFAULT_LAG_WAIT_MS
    let pausedAt: number | undefined
    for (;;) {
      checkAbort(abort)
      const lag = await replicaLag()
      const now = performance.now()
      if (lag !== undefined && lag <= maxLag) {
        if (pausedAt !== undefined) this.#paused(now - pausedAt)
        return
      }
      pausedAt ??= now
      if (now - pausedAt >= limit) {
        this.#paused(now - pausedAt)
        const seconds = Number((limit / 1000).toFixed(1))
        throw new Error(
          lag === undefined
            ? `gave up after pausing ${seconds} s (--lag-wait): a replica's lag is unknown (replication stopped, or the replica does not answer)`
            : `gave up after pausing ${seconds} s (--lag-wait): replica lag ${Math.round(lag)} ms stayed above --max-lag ${maxLag} ms`,
        )
      }
      await sleep(POLL_MS, abort)
    }
  }

  #paused(ms: number): void {
    this.#pauses++
    this.#pausedMs += ms
    this.#ctx.record('lagPauses', this.#pauses)
    this.#ctx.record('lagPausedMs', Math.round(this.#pausedMs))
  }
}
