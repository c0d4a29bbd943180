import path from 'node:path'
import { redact } from '../core/redact.js'
import type { SqlLogEntry } from '../db/instrumented-connection.js'
import { ownerText, type Owner } from '../db/ownership.js'

/** Everything delbench prints passes through here, so no password can reach the terminal. */
export function out(text: string): void {
  process.stdout.write(redact(text) + '\n')
}

export function err(text: string): void {
  process.stderr.write(redact(text) + '\n')
}

const MAX_PARAMS_SHOWN = 10

/** The `--log-sql` line for one statement, on stderr so that `--json` output stays clean. */
export function logSql(entry: SqlLogEntry): void {
  const params = entry.params.length === 0 ? '' : ` ${formatParams(entry.params)}`
  const outcome =
    entry.error === undefined ? `${entry.rows} rows, ${entry.affected} affected` : `error: ${entry.error}`
  err(`[sql ${entry.ms.toFixed(2)} ms] ${entry.sql.replace(/\s+/g, ' ').trim()}${params} -- ${outcome}`)
}

function formatParams(params: readonly unknown[]): string {
  const shown = params.slice(0, MAX_PARAMS_SHOWN).map((p) => JSON.stringify(p) ?? String(p))
  const more = params.length > MAX_PARAMS_SHOWN ? `, … ${params.length - MAX_PARAMS_SHOWN} more` : ''
  return `[${shown.join(', ')}${more}]`
}

/** A path as a reader wants it: relative to the working directory, absolute when outside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative
}

/** The line for a database dropped because the delbench process that owned it is gone. */
export function reclaimedLine(server: string, name: string, owner: Owner): string {
  return `${server}: dropped ${name}, left by a delbench process that is gone (${ownerText(owner)})`
}
