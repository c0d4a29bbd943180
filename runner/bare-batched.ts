/**
 * The overhead benchmark's "plain script": a fresh process that restores a copy and sends batched's
 * statements for the bookstore target straight to the driver session (no runner, no instrumentation),
 * `iterations` times, and reports the median time. It warms up exactly as much as a runner child does.
 */
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { scenarioTables } from '../seeds/scenario-tables.js'
import { restoreWorkingCopy } from '../seeds/snapshot.js'
import { bareBatchedOnce, median, type BareJob } from './overhead-benchmark.js'

async function run(job: BareJob): Promise<number> {
  const spec = parseDatabaseSpec(job.db)
  const server = await openServer(spec)
  const samples: number[] = []
  try {
    for (let i = 0; i < job.iterations; i++) {
      await restoreWorkingCopy(server, job.pristine, job.working, scenarioTables(bookstore))
      samples.push(await bareBatchedOnce(spec, job.working, job.params))
    }
  } finally {
    await server.close()
  }
  return median(samples)
}

process.once('message', (job: BareJob) => {
  run(job)
    .then((ms) => process.send?.({ ms }))
    .catch((e: unknown) => process.send?.({ error: e instanceof Error ? e.message : String(e) }))
    .finally(() => process.disconnect?.())
})
