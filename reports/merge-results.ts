import { DelbenchError } from '../core/errors.js'
import { runIdentity } from './report-model.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'

/**
 * Joins the results of shards (`delbench run --shard K/N` on several machines) into one document.
 * Every run keeps the environment it ran in (`machine`), since shards may differ in CPU or commit;
 * the document's environment is the first file's, spanning the earliest start to the latest finish.
 * A run present in two files is refused: shards never overlap, so it is a mistake.
 */
export function mergeResults(
  inputs: readonly { readonly file: string; readonly document: ResultsDocument }[],
): ResultsDocument {
  const first = inputs[0]
  if (!first) throw new DelbenchError('merge needs at least one results file')
  const seen = new Map<string, string>()
  const runs: RunRecord[] = []
  for (const { file, document } of inputs) {
    const env = document.environment
    for (const run of document.runs) {
      const key = `${run.database.url} ${runIdentity(run)}`
      const other = seen.get(key)
      if (other !== undefined)
        throw new DelbenchError(
          `run '${runIdentity(run)}' is in both ${other} and ${file}: shards do not overlap`,
        )
      seen.set(key, file)
      runs.push({
        ...run,
        machine: run.machine ?? {
          cpu: env.cpu,
          memoryBytes: env.memoryBytes,
          os: env.os,
          nodeVersion: env.nodeVersion,
          delbenchVersion: env.delbenchVersion,
          gitCommit: env.gitCommit,
          commandLine: env.commandLine,
          startedAt: env.startedAt,
        },
      })
    }
  }
  const all = inputs.map((i) => i.document.environment)
  const databases = new Map(all.flatMap((e) => e.databases).map((d) => [d.url, d]))
  return {
    schemaVersion: first.document.schemaVersion,
    environment: {
      ...first.document.environment,
      startedAt: all.map((e) => e.startedAt).sort()[0] as string,
      finishedAt: all
        .map((e) => e.finishedAt)
        .sort()
        .at(-1) as string,
      databases: [...databases.values()],
      interrupted: all.some((e) => e.interrupted),
    },
    runs,
  }
}
