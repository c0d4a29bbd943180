import type { ForeignKeySpec } from '../core/table-spec.js'
import { sameColumns } from '../core/table-spec.js'
import { checkAbort } from '../core/abort.js'
import type { DeletionPlan } from '../scenarios/deletion-plan.js'
import { touchSql } from '../scenarios/target-sql.js'
import type { Strategy, StrategyContext, StrategySetting } from './strategy.js'
import { selfReferenceRefusal, touchKey } from './strategy-sql.js'

/** The queue of deleted parent keys, in the working copy (GitLab's `loose_foreign_keys_deleted_records`). */
export const LOOSE_FK_QUEUE = 'delbench_loose_fk_queue'

/** A foreign key made loose: a dependent's column referencing a parent's key, cleaned up after the fact. */
export interface LooseEdge {
  readonly child: string
  readonly column: string
  readonly parent: string
  readonly parentColumn: string
  /** `delete` the dependents (GitLab's async_delete) or `set null` their reference (async_nullify). */
  readonly action: 'delete' | 'set null'
}

/** Every FK edge of the plan, as a loose foreign key. */
export function looseEdges(plan: DeletionPlan): LooseEdge[] {
  return plan.steps.flatMap((step) =>
    step.via.map((edge) => ({
      child: step.table,
      column: edge.columns[0] ?? '',
      parent: edge.parent,
      parentColumn: edge.referencedColumns[0] ?? '',
      action: step.action,
    })),
  )
}

/** Why the plan's foreign keys cannot be made loose, or undefined. */
function refusal(plan: DeletionPlan, setting: StrategySetting): string | undefined {
  if (plan.steps.length === 1)
    return `${plan.root} is referenced by no table: there is no foreign key to make loose; use batched or naive-bulk`
  const self = selfReferenceRefusal(plan)
  if (self) return self
  for (const step of plan.steps) {
    for (const edge of step.via) {
      if (edge.columns.length !== 1)
        return `${step.table} references ${edge.parent} by a composite key: the queue records one key column per parent row`
      if (edge.breaksCycle)
        return `${step.table} and ${edge.parent} reference each other in a cycle: a loose key would leave the cycle half-checked`
      const type = setting.tables
        .find((t) => t.name === edge.parent)
        ?.columns.find((c) => c.name === edge.referencedColumns[0])?.type
      if (type !== 'integer' && type !== 'bigint')
        return `${step.table} references ${edge.parent}.${edge.referencedColumns[0]}, which is not an integer: the queue records integer keys`
    }
  }
  return undefined
}

/**
 * GitLab's loose foreign keys. In the working copy, first, the schema change it needs: the foreign keys
 * of the deletion's dependents are dropped (their indexes kept), a queue table is created and an AFTER
 * DELETE trigger on each parent table records the keys of its deleted rows. Then the user-facing
 * delete: the targets alone (set-based callbacks first), one transaction. Then the cleanup worker, to
 * completion, in passes: per parent table, up to `--batch-size` queued keys claimed (`FOR UPDATE SKIP
 * LOCKED` where the database has it), their dependents deleted (or nulled) — which queues theirs in
 * turn — and the entries removed, one transaction each; the queue's length after every pass is the
 * backlog. The user-facing time, the cleanup time and the schema change are recorded apart.
 */
export const looseFk: Strategy = {
  name: 'loose-fk',
  description:
    'GitLab loose foreign keys: drops the dependents’ FKs, a trigger queues deleted parent keys; deletes the targets at once, then cleans up dependents in passes of --batch-size keys per table',
  reads: ['batchSize'],
  unsupported: (_dialect, _capabilities, plan, setting) => refusal(plan, setting),
  async run(ctx) {
    const edges = looseEdges(ctx.plan)
    const started = performance.now()
    await installLooseKeys(ctx, edges)
    ctx.record('schemaChangeMs', Math.round(performance.now() - started))
    ctx.recordBacklog(0)

    const deleteStarted = performance.now()
    let deleted = await userFacingDelete(ctx)
    ctx.record('userDeleteMs', Math.round((performance.now() - deleteStarted) * 10) / 10)
    ctx.progress(deleted)

    const cleanupStarted = performance.now()
    // Parents nearer the target first: a pass then reaches as deep as the keys it frees allow.
    const depth = (table: string) => ctx.plan.steps.find((s) => s.table === table)?.depth ?? 0
    const parents = [...new Set(edges.map((e) => e.parent))].sort((a, b) => depth(a) - depth(b))
    let backlog = await queueLength(ctx)
    let peak = backlog
    let passes = 0
    ctx.recordBacklog(backlog)
    while (backlog > 0) {
      checkAbort(ctx.abort)
      let claimed = 0
      for (const parent of parents) {
        const pass = await cleanUp(
          ctx,
          parent,
          edges.filter((e) => e.parent === parent),
        )
        claimed += pass.claimed
        deleted += pass.deleted
      }
      passes++
      backlog = await queueLength(ctx)
      peak = Math.max(peak, backlog)
      ctx.recordBacklog(backlog)
      ctx.progress(deleted)
      // Every queued key belongs to a parent table with a trigger: a pass that claims none cannot end.
      if (claimed === 0 && backlog > 0)
        throw new Error(
          `${backlog} queued keys in ${LOOSE_FK_QUEUE} belong to no parent table being cleaned up`,
        )
    }
    ctx.record('cleanupMs', Math.round(performance.now() - cleanupStarted))
    ctx.record('cleanupPasses', passes)
    ctx.record('backlogPeak', peak)
  },
}

/** The schema change: the plan's foreign keys dropped, the queue created, a trigger per parent table. */
async function installLooseKeys(ctx: StrategyContext, edges: readonly LooseEdge[]): Promise<void> {
  const sql = ctx.dialect.looseForeignKeys
  const statements: string[] = []
  for (const child of new Set(edges.map((e) => e.child))) {
    const table = ctx.tables.find((t) => t.name === child)
    if (!table) continue
    const loose = (fk: ForeignKeySpec) =>
      edges.some(
        (e) => e.child === child && e.parent === fk.references && sameColumns([e.column], fk.columns),
      )
    statements.push(...sql.dropForeignKeys(table, table.foreignKeys.filter(loose)))
  }
  statements.push(...sql.createQueue(LOOSE_FK_QUEUE))
  for (const e of new Map(edges.map((e) => [e.parent, e])).values())
    statements.push(...sql.createTrigger(LOOSE_FK_QUEUE, { table: e.parent, column: e.parentColumn }))
  // DDL carries no parameters: sent as written (a PostgreSQL function body may hold `?`-free `$$`).
  for (const statement of statements) {
    checkAbort(ctx.abort)
    await ctx.conn.query(statement)
  }
}

/** What the user waits for: callbacks set-based, then the targets alone, in one transaction. */
async function userFacingDelete(ctx: StrategyContext): Promise<number> {
  const { where, params } = ctx.target
  const touches = touchSql(ctx.plan, ctx.callbacks, touchKey(ctx), where, params, ctx.deletedAt)
  return ctx.conn.transaction(async (tx) => {
    for (const touch of touches) await ctx.run(touch, tx)
    const { affected } = await ctx.run({ sql: `DELETE FROM ${ctx.plan.root} WHERE ${where}`, params }, tx)
    return affected
  })
}

async function queueLength(ctx: StrategyContext): Promise<number> {
  const { rows } = await ctx.run({ sql: `SELECT COUNT(*) AS n FROM ${LOOSE_FK_QUEUE}`, params: [] })
  return Number(rows[0]?.n ?? 0)
}

/**
 * One parent table's share of a pass, in one transaction: claim up to `--batch-size` queued keys,
 * delete (or null) their dependents, remove the entries. Returns the entries claimed and rows deleted.
 */
async function cleanUp(
  ctx: StrategyContext,
  parent: string,
  edges: readonly LooseEdge[],
): Promise<{ claimed: number; deleted: number }> {
  // One key per parameter: a claim never binds more than a statement can carry.
  const budget = Math.max(1, Math.min(ctx.options.batchSize, ctx.capabilities.maxParams - 1))
  const lock = ctx.capabilities.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ''
  return ctx.conn.transaction(async (tx) => {
    const { rows } = await ctx.run(
      {
        sql: `SELECT id, parent_key FROM ${LOOSE_FK_QUEUE} WHERE parent_table = ? ORDER BY id LIMIT ${budget}${lock}`,
        params: [parent],
      },
      tx,
    )
    if (rows.length === 0) return { claimed: 0, deleted: 0 }
    const keys = [...new Set(rows.map((r) => Number(r.parent_key)))]
    const list = keys.map(() => '?').join(', ')
    let deleted = 0
    for (const edge of edges) {
      const sql =
        edge.action === 'delete'
          ? `DELETE FROM ${edge.child} WHERE ${edge.column} IN (${list})`
          : `UPDATE ${edge.child} SET ${edge.column} = NULL WHERE ${edge.column} IN (${list})`
      const { affected } = await ctx.run({ sql, params: keys }, tx)
      if (edge.action === 'delete') deleted += affected
    }
    const ids = rows.map((r) => Number(r.id))
    await ctx.run(
      { sql: `DELETE FROM ${LOOSE_FK_QUEUE} WHERE id IN (${ids.map(() => '?').join(', ')})`, params: ids },
      tx,
    )
    return { claimed: rows.length, deleted }
  })
}
