import type { CellValue } from '../core/table-spec.js'
import { checkAbort } from '../core/abort.js'
import { chunked, placeholders } from '../core/sql-lists.js'
import type { Strategy } from './strategy.js'

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
  async run(ctx) {
    const root = ctx.plan.rootStep
    const keyOf = (table: string) => ctx.tables.find((t) => t.name === table)?.primaryKey ?? 'id'
    const fetchChunk = Math.max(1, ctx.capabilities.maxParams)
    await ctx.conn.transaction(async (tx) => {
      const collected = new Map<string, Map<CellValue, Row>>()
      const nulled = new Map<string, Map<CellValue, Row>>()
      const store = (into: Map<string, Map<CellValue, Row>>, table: string, rows: Row[]) => {
        const byKey = into.get(table) ?? new Map<CellValue, Row>()
        for (const row of rows) byKey.set(row[keyOf(table)] as CellValue, row)
        into.set(table, byKey)
      }
      checkAbort(ctx.abort)
      store(
        collected,
        root.table,
        (
          await ctx.run(
            { sql: `SELECT * FROM ${root.table} WHERE ${ctx.target.where}`, params: ctx.target.params },
            tx,
          )
        ).rows,
      )
      // Level by level from the root: a table's parents are collected before it.
      for (const step of [...ctx.plan.steps]
        .filter((s) => s.relation !== 'root')
        .sort((a, b) => a.depth - b.depth)) {
        for (const edge of step.via) {
          const parentKeys = [...(collected.get(edge.parent)?.keys() ?? [])]
          for (const chunk of chunked(parentKeys, fetchChunk)) {
            checkAbort(ctx.abort)
            const { rows } = await ctx.run(
              {
                sql: `SELECT * FROM ${step.table} WHERE ${edge.column} IN (${placeholders(chunk.length)})`,
                params: chunk,
              },
              tx,
            )
            store(step.action === 'delete' ? collected : nulled, step.table, rows)
          }
        }
      }
      for (const [table, rows] of collected)
        for (const row of rows.values()) ctx.signals.send('pre_delete', table, row)
      for (const cb of ctx.callbacks) {
        if (cb.kind !== 'touch') continue
        const parents = [
          ...new Set(
            [...(collected.get(cb.table)?.values() ?? [])].map((r) => r[cb.foreignKey] as CellValue),
          ),
        ]
        for (const chunk of chunked(parents, fetchChunk - 1)) {
          checkAbort(ctx.abort)
          await ctx.run(
            {
              sql: `UPDATE ${cb.parent} SET ${cb.column} = ? WHERE ${keyOf(cb.parent)} IN (${placeholders(chunk.length)})`,
              params: [ctx.deletedAt, ...chunk],
            },
            tx,
          )
        }
      }
      let deleted = 0
      for (const step of ctx.plan.steps) {
        if (step.action === 'set null') {
          for (const edge of step.via) {
            const keys = [...(nulled.get(step.table)?.values() ?? [])]
              .filter((r) => collected.get(edge.parent)?.has(r[edge.column] as CellValue))
              .map((r) => r[step.primaryKey] as CellValue)
            for (const chunk of chunked(keys, fetchChunk)) {
              await ctx.run(
                {
                  sql: `UPDATE ${step.table} SET ${edge.column} = NULL WHERE ${step.primaryKey} IN (${placeholders(chunk.length)})`,
                  params: chunk,
                },
                tx,
              )
            }
          }
          continue
        }
        for (const chunk of chunked([...(collected.get(step.table)?.keys() ?? [])], DELETE_CHUNK)) {
          checkAbort(ctx.abort)
          deleted += (
            await ctx.run(
              {
                sql: `DELETE FROM ${step.table} WHERE ${step.primaryKey} IN (${placeholders(chunk.length)})`,
                params: chunk,
              },
              tx,
            )
          ).affected
          ctx.progress(deleted)
        }
      }
      for (const [table, rows] of collected)
        for (const row of rows.values()) ctx.signals.send('post_delete', table, row)
    })
  },
}
