/**
 * The overhead benchmark's "plain script": a fresh process that restores a copy and sends batched's
 * statements for the bookstore target straight to the driver session (no runner, no instrumentation),
 * `iterations` times, and reports the median wall and CPU time. Like a runner child it does not warm
 * up, and it restores the copy and collects garbage before each iteration.
 */
import { parseDatabaseSpec } from '../db/database-url.js'
import { openServer } from '../db/open-server.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import { bareBatchedOnce, type BareJob, type IterationCost } from './overhead-benchmark.js'
import { median } from './statistics.js'
import { collectGarbage } from './memory-sampler.js'

async function run(job: BareJob): Promise<IterationCost> {
  const server = await openServer(parseDatabaseSpec(job.db))
  const samples: IterationCost[] = []
  try {
    for (let i = 0; i < job.iterations; i++) {
      await restoreWorkingCopy(server, job.pristine, job.working, scenarioTables(bookstore))
      collectGarbage()
      samples.push(await bareBatchedOnce(server, job.working, job.params))
    }
  } finally {
    await server.close()
  }
  return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) }
}

process.once('message', (job: BareJob) => {
  run(job)
    .then((cost) => process.send?.(cost))
    .catch((e: unknown) => process.send?.({ error: e instanceof Error ? e.message : String(e) }))
    .finally(() => process.disconnect?.())
})
