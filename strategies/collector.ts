import type { Connection } from '../db/connection.js'
import type { CellValue } from '../core/table-spec.js'
import { checkAbort } from '../core/abort.js'
import { chunked, placeholders } from '../core/sql-lists.js'
import { selfEdges, type DeletionPlan, type PlanStep } from '../scenarios/deletion-plan.js'
import type { Strategy, StrategyContext } from './strategy.js'

/** Django deletes collected objects `WHERE pk IN (...)` 100 at a time (GET_ITERATOR_CHUNK_SIZE). */
const DELETE_CHUNK = 100

type Row = Record<string, unknown>

/**
 * The ORM collector of field report 1 (Django's `QuerySet.delete()`): load every target object, then
 * every related object level by level (`WHERE fk IN (...)` in parameter-limited chunks), send pre-delete
 * signals per object, apply callbacks, null `set null` references, delete table by table children first
 * (`WHERE pk IN (...)`, 100 keys a statement), send post-delete signals, all in one transaction. It holds
 * every object in memory: its memory grows with the row count, which is the point of measuring it.
 */
export const collector: Strategy = {
  name: 'collector',
  description:
    'ORM collector: load all targets and related objects level by level, signals per object, chunked deletes, one transaction',
  reads: [],
  unsupported: (_dialect, _capabilities, plan) => collectorRefusal(plan),
  async run(ctx) {
    await ctx.conn.transaction(async (tx) => {
      const collection = new Collection(ctx)
      checkAbort(ctx.abort)
      await loadTargets(ctx, tx, collection)
      await loadRelated(ctx, tx, collection)
      for (const [table, rows] of collection.collected)
        for (const row of rows.values()) ctx.signals.send('pre_delete', table, row)
      await applyTouches(ctx, tx, collection)
      await deleteInOrder(ctx, tx, collection)
      for (const [table, rows] of collection.collected)
        for (const row of rows.values()) ctx.signals.send('post_delete', table, row)
    })
  },
}

/**
 * The collector keys every loaded object by one primary-key column and follows each FK one level, as
 * Django's does: composite keys, keyless tables and trees are beyond this model of it.
 */
function collectorRefusal(plan: DeletionPlan): string | undefined {
  for (const step of plan.steps) {
    if (step.primaryKey.length !== 1)
      return `${step.table} has ${step.primaryKey.length === 0 ? 'no primary key' : 'a composite primary key'}: the collector keys every loaded object by one key column; use collector-subquery`
    if (step.via.some((e) => e.columns.length > 1))
      return `${step.table} has a composite foreign key: the collector fetches related objects by one column; use collector-subquery`
    if (selfEdges(step).length > 0)
      return `${step.table} references itself: the collector loads one level per foreign key, not a subtree; use collector-subquery or per-row-callbacks`
  }
  return undefined
}

/** The objects loaded, per table by primary key: those to delete, and those whose references are nulled. */
class Collection {
  readonly collected = new Map<string, Map<CellValue, Row>>()
  readonly nulled = new Map<string, Map<CellValue, Row>>()
  /** Parameters per `IN (...)` fetch: as many as a statement may carry. */
  readonly fetchChunk: number
  readonly #ctx: StrategyContext

  constructor(ctx: StrategyContext) {
    this.#ctx = ctx
    this.fetchChunk = Math.max(1, ctx.capabilities.maxParams)
  }

  keyOf(table: string): string {
    return this.#ctx.tables.find((t) => t.name === table)?.primaryKey[0] ?? 'id'
  }

  store(into: Map<string, Map<CellValue, Row>>, table: string, rows: Row[]): void {
    const byKey = into.get(table) ?? new Map<CellValue, Row>()
    for (const row of rows) byKey.set(row[this.keyOf(table)] as CellValue, row)
    into.set(table, byKey)
  }
}

/** Every target object of the root table. */
async function loadTargets(ctx: StrategyContext, tx: Connection, collection: Collection): Promise<void> {
  const root = ctx.plan.rootStep
  const { rows } = await ctx.run(
    { sql: `SELECT * FROM ${root.table} WHERE ${ctx.target.where}`, params: ctx.target.params },
    tx,
  )
  collection.store(collection.collected, root.table, rows)
}

/** Related objects level by level from the root: a table's parents are collected before it. */
async function loadRelated(ctx: StrategyContext, tx: Connection, collection: Collection): Promise<void> {
  for (const step of [...ctx.plan.steps]
    .filter((s) => s.relation !== 'root')
    .sort((a, b) => a.depth - b.depth)) {
    for (const edge of step.via) {
      const parentKeys = [...(collection.collected.get(edge.parent)?.keys() ?? [])]
      for (const chunk of chunked(parentKeys, collection.fetchChunk)) {
        checkAbort(ctx.abort)
        const { rows } = await ctx.run(
          {
            sql: `SELECT * FROM ${step.table} WHERE ${edge.columns[0] ?? ''} IN (${placeholders(chunk.length)})`,
            params: chunk,
          },
          tx,
        )
        collection.store(
          step.action === 'delete' ? collection.collected : collection.nulled,
          step.table,
          rows,
        )
      }
    }
  }
}

/** `touch` callbacks: each collected object's parent stamped, in chunks of parent keys. */
async function applyTouches(ctx: StrategyContext, tx: Connection, collection: Collection): Promise<void> {
  for (const cb of ctx.callbacks) {
    if (cb.kind !== 'touch') continue
    const parents = [
      ...new Set(
        [...(collection.collected.get(cb.table)?.values() ?? [])].map((r) => r[cb.foreignKey] as CellValue),
      ),
    ]
    for (const chunk of chunked(parents, collection.fetchChunk - 1)) {
      checkAbort(ctx.abort)
      await ctx.run(
        {
          sql: `UPDATE ${cb.parent} SET ${cb.column} = ? WHERE ${collection.keyOf(cb.parent)} IN (${placeholders(chunk.length)})`,
          params: [ctx.deletedAt, ...chunk],
        },
        tx,
      )
    }
  }
}

/** Table by table, children first: `set null` references nulled, collected objects deleted 100 a statement. */
async function deleteInOrder(ctx: StrategyContext, tx: Connection, collection: Collection): Promise<void> {
  let deleted = 0
  for (const step of ctx.plan.steps) {
    if (step.action === 'set null') {
      await nullReferences(ctx, tx, collection, step)
      continue
    }
    for (const chunk of chunked([...(collection.collected.get(step.table)?.keys() ?? [])], DELETE_CHUNK)) {
      checkAbort(ctx.abort)
      deleted += (
        await ctx.run(
          {
            sql: `DELETE FROM ${step.table} WHERE ${collection.keyOf(step.table)} IN (${placeholders(chunk.length)})`,
            params: chunk,
          },
          tx,
        )
      ).affected
      ctx.progress(deleted)
    }
  }
}

/** A `set null` step: the references of its loaded rows to collected parents, nulled in chunks. */
async function nullReferences(
  ctx: StrategyContext,
  tx: Connection,
  collection: Collection,
  step: PlanStep,
): Promise<void> {
  const key = collection.keyOf(step.table)
  for (const edge of step.via) {
    const column = edge.columns[0] ?? ''
    const keys = [...(collection.nulled.get(step.table)?.values() ?? [])]
      .filter((r) => collection.collected.get(edge.parent)?.has(r[column] as CellValue))
      .map((r) => r[key] as CellValue)
    for (const chunk of chunked(keys, collection.fetchChunk)) {
      await ctx.run(
        {
          sql: `UPDATE ${step.table} SET ${column} = NULL WHERE ${key} IN (${placeholders(chunk.length)})`,
          params: chunk,
        },
        tx,
      )
    }
  }
}
