import { runBatched } from './batched.js'
import { LagThrottle, noReplicaRefusal } from './lag-throttle.js'
import type { Strategy } from './strategy.js'
import { noKeyRefusal } from './strategy-sql.js'

/**
 * `batched` that waits for its replicas, as pt-archiver with `--check-slave-lag` and gh-ost do: before
 * every batch, while any replica's lag is above `--max-lag` (or unknown), it pauses; a pause longer
 * than `--lag-wait` fails the run, saying why.
 */
export const throttledBatched: Strategy = {
  name: 'throttled-batched',
  description:
    'batched, pausing before each batch while any replica lags more than --max-lag (or its lag is unknown)',
  reads: ['batchSize', 'sleepMs', 'maxLagMs'],
  unsupported: (_dialect, _capabilities, plan, setting) =>
    noKeyRefusal(plan) ?? noReplicaRefusal(setting.replicas),
  async run(ctx) {
    const throttle = new LagThrottle(ctx)
    await runBatched(ctx, () => throttle.wait())
  },
}
