import { DatabaseServer } from '../db/database-server.js'
import type { SqlLogEntry } from '../db/instrumented-connection.js'
import { openServer } from '../db/open-server.js'
import { bindPlaceholders } from '../db/placeholders.js'
import { scenarioLabel } from '../scenarios/registry.js'
import { restoreWorkingCopy } from '../seeds/restore-working-copy.js'
import type { CellValue } from '../core/table-spec.js'
import { columnList } from '../scenarios/target-sql.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import { planRuns, type MatrixPlan } from './run-plan.js'
import type { PreparedScenario } from './run-strategy.js'
import { seedAndPrepare, strategyContext } from './run-strategy.js'

/** Target rows a dry run works on. */
export const DRY_RUN_TARGETS = 3

/** Parameters shown per statement: enough to recognise the rows, short enough for a line. */
const SHOWN_PARAMS = 12

/**
 * The dry run of the matrix, as lines to print: for each database, seeded scenario and strategy (with
 * the first option set), a heading and the statements the strategy issues for the first target rows.
 * The scenarios are seeded and prepared as the matrix does it.
 */
export async function* dryRunMatrix(plan: MatrixPlan): AsyncGenerator<string> {
  const [options] = plan.options
  if (!options) return
  const { databases, scenarios, knobs, strategies } = plan
  for (const { database, seeds } of planRuns({
    databases,
    scenarios,
    knobs,
    strategies,
    options: [options],
  })) {
    const server = await openServer(database.spec, plan.open)
    try {
      const { capabilities } = await server.describe()
      for (const { scenario, knobs: knobSet, runs } of seeds) {
        const request = { scenario: scenario.value, scale: plan.scale, seed: plan.seed, knobs: knobSet }
        const prepared = await seedAndPrepare(server, capabilities, request, {
          diskCheck: plan.diskCheck !== false,
        })
        for (const { strategy } of runs) {
          yield `${database.spec.display} ${scenarioLabel(scenario.value)} ×${plan.scale} ${strategy.value.name} (dry run: the first target rows, on a scratch copy)`
          for (const entry of await dryRun(prepared, strategy.value, options)) yield statementLine(entry)
        }
      }
    } finally {
      await server.close()
    }
  }
}

/** A statement of a dry run as one line: its SQL, its first parameters, its error. */
export function statementLine(entry: SqlLogEntry): string {
  const params =
    entry.params.length > 0
      ? `  -- ${JSON.stringify(entry.params.slice(0, SHOWN_PARAMS))}${entry.params.length > SHOWN_PARAMS ? ' …' : ''}`
      : ''
  return `  ${entry.sql}${params}${entry.error ? `  -- error: ${entry.error.split('\n')[0]}` : ''}`
}

/**
 * The statements a strategy would issue for the first few target rows. It runs for real, but on a
 * scratch copy of the seeded data that is dropped afterwards, with the target narrowed to those rows:
 * nothing the user has, and not the seeded data, is changed.
 */
export async function dryRun(
  prepared: PreparedScenario,
  strategy: Strategy,
  options: StrategyOptions,
): Promise<SqlLogEntry[]> {
  const { server } = prepared
  const scratch = DatabaseServer.uniqueName(`dryrun_${strategy.name}`)
  await restoreWorkingCopy(server, prepared.pristine, scratch, prepared.tables)
  const statements: SqlLogEntry[] = []
  try {
    const root = prepared.plan.rootStep
    const probe = await server.openDatabase(scratch)
    const { rows } = await probe
      .query(
        bindPlaceholders(
          `SELECT ${root.primaryKey.join(', ')} FROM ${root.table} WHERE ${prepared.target.where} ORDER BY ${root.primaryKey.join(', ')} LIMIT ${DRY_RUN_TARGETS}`,
          server.dialect.adapter,
        ),
        prepared.target.params,
      )
      .finally(() => probe.close())
    const keys = rows.map((r) => root.primaryKey.map((c) => r[c] as CellValue))
    if (keys.length === 0) return statements
    const tuples = keys.map((key) => columnList(key.map(() => '?'))).join(', ')
    const target = {
      where: `(${prepared.target.where}) AND ${columnList(root.primaryKey)} IN (${tuples})`,
      params: [...prepared.target.params, ...keys.flat()],
    }
    const logger = (entry: SqlLogEntry) => statements.push(entry)
    const conn = await server.openDatabase(scratch, { logger })
    try {
      const ctx = strategyContext(prepared, conn, scratch, options, new AbortController().signal, {
        logger,
        target,
      })
      await strategy.run(ctx).catch((error: unknown) => {
        statements.push({
          sql: '-- the strategy stopped with an error',
          params: [],
          kind: 'other',
          ms: 0,
          affected: 0,
          rows: 0,
          error: String((error as Error)?.message ?? error),
        })
      })
      await ctx.closeConnections()
    } finally {
      await conn.close()
    }
    return statements
  } finally {
    await server.dropDatabase(scratch)
  }
}
