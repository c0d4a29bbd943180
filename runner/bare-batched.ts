/**
 * The overhead benchmark's "plain script": a fresh process that sends batched's statements for the
 * bookstore target straight to the driver session (no runner, no instrumentation) and reports the time.
 * Being a new process, it starts as cold as a runner child does.
 */
import { parseDatabaseSpec } from '../db/database-url.js'
import type { CellValue } from '../db/table-spec.js'
import { bareBatchedOnce, type BareJob } from './overhead-benchmark.js'

process.once('message', (job: BareJob) => {
  bareBatchedOnce(parseDatabaseSpec(job.db), job.working, job.params as CellValue[])
    .then((ms) => process.send?.({ ms }))
    .catch((e: unknown) => process.send?.({ error: e instanceof Error ? e.message : String(e) }))
    .finally(() => process.disconnect?.())
})
