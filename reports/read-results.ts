import fs from 'node:fs'
import { DelbenchError, oneLine } from '../core/errors.js'
import { formatPath } from '../core/format-path.js'
import { RESULTS_SCHEMA_VERSION, resultsSchema, type ResultsDocument } from '../core/results-schema.js'

/**
 * Reads a results file for the reporters, or says in one line what is wrong with it: missing, not
 * JSON, from another schema version, or the first field that breaks the schema, with its path.
 */
export function readResults(file: string): ResultsDocument {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code
    throw new DelbenchError(
      code === 'ENOENT'
        ? `results file ${file} does not exist`
        : `cannot read results file ${file} (${code ?? 'error'})`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new DelbenchError(`${file} is not JSON: ${oneLine(e instanceof Error ? e.message : String(e))}`)
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion
  if (
    typeof json === 'object' &&
    json !== null &&
    version !== undefined &&
    version !== RESULTS_SCHEMA_VERSION
  )
    throw new DelbenchError(
      `${file} has results schemaVersion ${String(version)}; this delbench reads version ${RESULTS_SCHEMA_VERSION}`,
    )
  const parsed = resultsSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new DelbenchError(
      `${file} is not a delbench results file: ${issue ? `${formatPath(issue.path) || '(top level)'}: ${issue.message}` : 'invalid'}`,
    )
  }
  return parsed.data
}
