/**
 * One generated scenario checked on one database: seeded, every built-in strategy run, the deliberately
 * wrong strategies run, a dry run made; what each property needs is returned, and the property tests
 * compare it across databases. Everything it creates is dropped before it returns.
 */
import { DelbenchError } from '../../core/errors.js'
import type { CellValue } from '../../core/table-spec.js'
import type { Capabilities } from '../../db/dialect.js'
import { bindPlaceholders } from '../../db/placeholders.js'
import type { TableChecksum } from '../../seeds/checksum.js'
import { tableChecksums } from '../../seeds/checksum.js'
import { generatedChecksums } from '../../seeds/generated-checksums.js'
import { dryRun } from '../../runner/dry-run.js'
import { seedAndPrepare, type PreparedScenario } from '../../runner/run-strategy.js'
import { scenarioFromJson } from '../../scenarios/scenario-file.js'
import { faker } from '@faker-js/faker/locale/en'
import type { Scenario } from '../../scenarios/scenario.js'
import { subqueryDeletionSql, touchSql, type PortableSql } from '../../scenarios/target-sql.js'
import { BUILTIN_STRATEGIES } from '../../strategies/builtins.js'
import type { Strategy, StrategyContext } from '../../strategies/strategy.js'
import { runStatement } from '../../strategies/strategy-sql.js'
import { FK_CHECKS } from './fk-checks.js'
import { DEFAULT_OPTIONS } from './strategy-run.js'
import { DatabaseServer } from '../../db/database-server.js'
import { errorLine } from '../../runner/error-line.js'
import { strategyContext, unsupportedReason, verifyWorkingCopy } from '../../runner/run-strategy.js'
import { restoreWorkingCopy } from '../../seeds/restore-working-copy.js'

/** What validation made of a generated file: the scenario, or its one-line refusal. */
export function validate(doc: unknown): { scenario: Scenario } | { refusal: string } {
  try {
    return { scenario: scenarioFromJson(doc, 'random.json', { faker }) }
  } catch (error) {
    // Anything but delbench's own one-line refusal is a crash: the property fails with it.
    if (!(error instanceof DelbenchError)) throw error
    if (error.message.includes('\n')) throw new Error(`a refusal of more than one line: ${error.message}`)
    return { refusal: error.message }
  }
}

/** One database's findings on one scenario. */
export interface CaseFindings {
  /** The seeded tables' checksums, as read back. */
  readonly seeded: Record<string, TableChecksum>
  /** What the generator says they must be. */
  readonly generated: Record<string, TableChecksum>
  /** Each built-in strategy's status, and its error where it failed. */
  readonly verdicts: Record<
    string,
    { readonly status: string; readonly error?: string; readonly problems: readonly string[] }
  >
  /** Each applicable wrong strategy's status (all must be wrong-result). */
  readonly wrong: Record<string, string>
  /** The seeded tables' checksums after the dry runs and every strategy (failed or not) ran on copies. */
  readonly after: Record<string, TableChecksum>
}

/** The database's own refusal of a deletion its FKs forbid (a strategy that relies on ON DELETE, under restrict). */
export const DATABASE_REFUSAL = /foreign key constraint|violates foreign key|FOREIGN KEY/i

export async function checkCase(
  server: DatabaseServer,
  capabilities: Capabilities,
  scenario: Scenario,
  seed: number,
): Promise<CaseFindings> {
  const request = { scenario, scale: 1, seed }
  const prepared = await seedAndPrepare(server, capabilities, request, { diskCheck: false })
  const working = DatabaseServer.uniqueName('property')
  try {
    const seeded = await pristineChecksums(prepared)
    const verdicts: CaseFindings['verdicts'] = {}
    for (const strategy of BUILTIN_STRATEGIES)
      verdicts[strategy.name] = await verdictOf(prepared, strategy, working)
    const wrong: Record<string, string> = {}
    for (const strategy of await wrongStrategies(prepared))
      wrong[strategy.name] = (await verdictOf(prepared, strategy, working)).status
    for (const strategy of BUILTIN_STRATEGIES.filter((s) => ['naive-bulk', 'batched'].includes(s.name)))
      await dryRun(prepared, strategy, DEFAULT_OPTIONS)
    return {
      seeded,
      generated: await generatedChecksums(request),
      verdicts,
      wrong,
      after: await pristineChecksums(prepared),
    }
  } finally {
    await server.dropDatabase(working).catch(() => {})
    await server.dropDatabase(prepared.pristine)
  }
}

/**
 * A strategy's verdict as a run's iteration reaches it (a fresh copy restored, the strategy run, its
 * error as the run's one line, the copy verified), without the timing, plans and cost figures around it:
 * those take most of an iteration's time and decide nothing here.
 */
async function verdictOf(
  prepared: PreparedScenario,
  strategy: Strategy,
  working: string,
): Promise<CaseFindings['verdicts'][string]> {
  const reason = unsupportedReason(prepared, strategy)
  if (reason) return { status: 'unsupported', error: reason, problems: [] }
  const { server } = prepared
  await restoreWorkingCopy(server, prepared.pristine, working, prepared.tables)
  const conn = await server.openDatabase(working)
  const ctx = strategyContext(prepared, conn, working, DEFAULT_OPTIONS, new AbortController().signal)
  let error: string | undefined
  try {
    await strategy.run(ctx)
  } catch (e) {
    error = errorLine(e)
  } finally {
    await ctx.closeConnections()
    await conn.close()
  }
  const { ok, problems } = await verifyWorkingCopy(prepared, working, ctx.deletedAt)
  const status = error ? 'failed' : ok ? 'ok' : 'wrong-result'
  return { status, problems, ...(error ? { error } : {}) }
}

async function pristineChecksums(prepared: PreparedScenario): Promise<Record<string, TableChecksum>> {
  const conn = await prepared.server.openDatabase(prepared.pristine)
  try {
    return await tableChecksums(conn, prepared.server.dialect.adapter, prepared.tables)
  } finally {
    await conn.close()
  }
}

/**
 * The deliberately wrong strategies that can be wrong on this scenario: each is the correct deletion
 * (children first, callbacks, set null, as `subqueryDeletionSql` plans it) with FK checks off so only the
 * verifier can notice, changed one way: a survivor deleted too, a target left, the callback skipped, a
 * survivor tampered with, the root's rows deleted without their dependents (orphans).
 */
async function wrongStrategies(prepared: PreparedScenario): Promise<Strategy[]> {
  const { expectation, plan, scenario } = prepared
  const root = plan.rootStep
  const targetTable = expectation.tables[root.table]
  const targets = await countWhere(prepared, root.table, prepared.target.where, prepared.target.params)
  const strategies: Strategy[] = []
  const survivorTable = Object.entries(expectation.tables).find(([, t]) => t.seeded > t.deleted)?.[0]
  if (targetTable && targetTable.seeded > targetTable.deleted)
    strategies.push(
      wrongly('over-deletes one', async (ctx) => deleteOneLeft(ctx, root.table, root.primaryKey)),
    )
  if (targets > 0 && !reachesItself(scenario, root.table))
    strategies.push(
      wrongly(
        'under-deletes one',
        async () => {},
        async (ctx) => {
          const key = await firstKey(ctx, root.table, root.primaryKey, ctx.target.where, ctx.target.params)
          const skip = root.primaryKey.map((c) => `${c} = ?`).join(' AND ')
          return { where: `(${ctx.target.where}) AND NOT (${skip})`, params: [...ctx.target.params, ...key] }
        },
      ),
    )
  if (expectation.touches.some((t) => t.keys.length > 0))
    strategies.push(wrongly('skips the callback', async () => {}, undefined, false))
  if (survivorTable) {
    const pk = prepared.tables.find((t) => t.name === survivorTable)?.primaryKey ?? []
    strategies.push(
      wrongly('tampers with a survivor', async (ctx) => {
        const key = await firstKey(ctx, survivorTable, pk, '1 = 1', [])
        await ctx.run({
          sql: `UPDATE ${survivorTable} SET flag = flag + 10 WHERE ${pk.map((c) => `${c} = ?`).join(' AND ')}`,
          params: key,
        })
      }),
    )
  }
  const dependents = Object.entries(expectation.tables).some(
    ([name, t]) => (name !== root.table && t.deleted > 0) || (name === root.table && t.deleted > targets),
  )
  if (dependents)
    strategies.push({
      name: 'orphans a child',
      description: 'deletes the targets alone, their dependents left behind with FK checks off',
      async run(ctx) {
        await withoutFkChecks(ctx, async () => {
          for (const s of touches(ctx)) await runStatement(ctx, s)
          await runStatement(ctx, {
            sql: `DELETE FROM ${root.table} WHERE ${ctx.target.where}`,
            params: ctx.target.params,
          })
        })
      },
    })
  return strategies
}

/** The correct deletion, narrowed by `target`, then `extra`, with FK checks off; `callbacks` false skips them. */
function wrongly(
  name: string,
  extra: (ctx: StrategyContext) => Promise<void>,
  target?: (ctx: StrategyContext) => Promise<{ where: string; params: CellValue[] }>,
  callbacks = true,
): Strategy {
  return {
    name,
    description: `a deliberately wrong deletion: ${name}`,
    async run(ctx) {
      const { where, params } = target
        ? await target(ctx)
        : { where: ctx.target.where, params: [...ctx.target.params] }
      await withoutFkChecks(ctx, async () => {
        if (callbacks) for (const s of touches(ctx)) await runStatement(ctx, s)
        for (const s of subqueryDeletionSql(ctx.plan, where, params)) await runStatement(ctx, s)
        await extra(ctx)
      })
    },
  }
}

function touches(ctx: StrategyContext): PortableSql[] {
  return touchSql(ctx.plan, ctx.callbacks, () => 'id', ctx.target.where, ctx.target.params, ctx.deletedAt)
}

async function withoutFkChecks(ctx: StrategyContext, fn: () => Promise<void>): Promise<void> {
  const [off, on] = FK_CHECKS[ctx.dialect.name]
  await ctx.conn.query(off)
  try {
    await fn()
  } finally {
    await ctx.conn.query(on)
  }
}

/** Deletes one row of `table` that is left (a survivor), by its key. */
async function deleteOneLeft(ctx: StrategyContext, table: string, key: readonly string[]): Promise<void> {
  const values = await firstKey(ctx, table, key, '1 = 1', [])
  await ctx.run({
    sql: `DELETE FROM ${table} WHERE ${key.map((c) => `${c} = ?`).join(' AND ')}`,
    params: values,
  })
}

async function firstKey(
  ctx: StrategyContext,
  table: string,
  key: readonly string[],
  where: string,
  params: readonly CellValue[],
): Promise<CellValue[]> {
  const sql = `SELECT ${key.join(', ')} FROM ${table} WHERE ${where} ORDER BY ${key.join(', ')} LIMIT 1`
  const { rows } = await ctx.conn.query<Record<string, CellValue>>(
    bindPlaceholders(sql, ctx.dialect.adapter),
    [...params],
  )
  const row = rows[0]
  if (!row) throw new Error(`no row in ${table} where ${where}`)
  return key.map((c) => row[c] as CellValue)
}

async function countWhere(
  prepared: PreparedScenario,
  table: string,
  where: string,
  params: readonly CellValue[],
): Promise<number> {
  const conn = await prepared.server.openDatabase(prepared.pristine)
  try {
    const sql = bindPlaceholders(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      prepared.server.dialect.adapter,
    )
    const { rows } = await conn.query<{ n: number | string }>(sql, [...params])
    return Number(rows[0]?.n ?? 0)
  } finally {
    await conn.close()
  }
}

/** Whether rows of `table` can be deleted as dependents of its own rows (a self-reference, a cycle). */
function reachesItself(scenario: Scenario, table: string): boolean {
  const children = new Map<string, string[]>()
  for (const t of scenario.tables)
    for (const fk of t.foreignKeys ?? [])
      children.set(fk.references, [...(children.get(fk.references) ?? []), t.name])
  const seen = new Set<string>()
  const stack = [...(children.get(table) ?? [])]
  while (stack.length > 0) {
    const next = stack.pop() as string
    if (next === table) return true
    if (seen.has(next)) continue
    seen.add(next)
    stack.push(...(children.get(next) ?? []))
  }
  return false
}

/**
 * The verifier's finding on a strategy that skips callbacks by design (per-row, naive-bulk, limit-loop:
 * see the README's strategy table) where the scenario has one: the touched parents are missing, nothing
 * else.
 */
export function onlyCallbacksSkipped(strategy: string, problems: readonly string[]): boolean {
  return (
    SKIPS_CALLBACKS.has(strategy) &&
    problems.length > 0 &&
    problems.every((p) => /^\d+ \w+ not touched$/.test(p))
  )
}

/** The built-ins that run no callbacks, by design; any other one that leaves a touch undone is wrong. */
const SKIPS_CALLBACKS: ReadonlySet<string> = new Set(['per-row', 'naive-bulk', 'limit-loop'])
