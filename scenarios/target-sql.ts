import type { CellValue } from '../core/table-spec.js'
import type { DeletionPlan, PlanStep } from './deletion-plan.js'
import type { CallbackSpec } from './scenario.js'

/** Portable SQL (`?` placeholders, unquoted lower-case identifiers) with its parameters. */
export interface PortableSql {
  readonly sql: string
  readonly params: readonly CellValue[]
}

/** The plan's delete step for a table, if the deletion reaches it. */
export function deleteStepOf(plan: DeletionPlan, table: string): PlanStep | undefined {
  return plan.steps.find((s) => s.table === table && s.action === 'delete')
}

/**
 * A column (by default the key) of a plan step's affected rows, as a sub-query built from the target
 * predicate: the root's `SELECT pk FROM root WHERE predicate`, and for a dependent, its rows referencing
 * any affected parent (`fk IN (<parent's sub-query>)`, OR-ed over its edges). Evaluated before the
 * parents are deleted, it selects exactly the rows the deletion involves, without loading any of them.
 */
export function affectedKeysSql(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
  column: string = step.primaryKey,
): PortableSql {
  if (step.relation === 'root') return { sql: `SELECT ${column} FROM ${step.table} WHERE ${where}`, params }
  const condition = referencesCondition(plan, step, where, params)
  return { sql: `SELECT ${column} FROM ${step.table} WHERE ${condition.sql}`, params: condition.params }
}

/** `fk IN (<parent's affected keys>)`, OR-ed over the step's edges: the rows a deletion reaches. */
export function referencesCondition(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): PortableSql {
  const parts = step.via.map((edge) => {
    const parent = deleteStepOf(plan, edge.parent)
    if (!parent) throw new Error(`plan has no delete step for ${edge.parent}`)
    const inner = affectedKeysSql(plan, parent, where, params)
    return { sql: `${edge.column} IN (${inner.sql})`, params: inner.params }
  })
  return { sql: parts.map((p) => p.sql).join(' OR '), params: parts.flatMap((p) => p.params) }
}

/**
 * The statements that delete the target and its dependents children-first with sub-queries on the
 * parents (the optimized collector of field report 1), and null the references of `set null` dependents.
 * A statement never reads the table it deletes from, which MySQL would refuse.
 */
export function subqueryDeletionSql(
  plan: DeletionPlan,
  where: string,
  params: readonly CellValue[],
): PortableSql[] {
  return plan.steps.map((step) => {
    if (step.relation === 'root') return { sql: `DELETE FROM ${step.table} WHERE ${where}`, params }
    const condition = referencesCondition(plan, step, where, params)
    if (step.action === 'delete')
      return { sql: `DELETE FROM ${step.table} WHERE ${condition.sql}`, params: condition.params }
    // set null: each edge's column is nulled where it references an affected parent.
    const sets = step.via.map((edge) => {
      const single = referencesCondition(plan, { ...step, via: [edge] }, where, params)
      return {
        sql: `${edge.column} = CASE WHEN ${single.sql} THEN NULL ELSE ${edge.column} END`,
        params: single.params,
      }
    })
    return {
      sql: `UPDATE ${step.table} SET ${sets.map((s) => s.sql).join(', ')} WHERE ${condition.sql}`,
      params: [...sets.flatMap((s) => s.params), ...condition.params],
    }
  })
}

/**
 * Set-based `touch` callbacks: one UPDATE per callback, setting the parent's timestamp on every parent
 * of the rows about to be deleted. Must run before those rows go.
 */
export function touchSql(
  plan: DeletionPlan,
  callbacks: readonly CallbackSpec[],
  parentKey: (table: string) => string,
  where: string,
  params: readonly CellValue[],
  deletedAt: string,
): PortableSql[] {
  return callbacks.flatMap((cb) => {
    if (cb.kind !== 'touch') return []
    const step = deleteStepOf(plan, cb.table)
    if (!step) return []
    const rows = affectedKeysSql(plan, step, where, params, cb.foreignKey)
    return [
      {
        sql: `UPDATE ${cb.parent} SET ${cb.column} = ? WHERE ${parentKey(cb.parent)} IN (${rows.sql})`,
        params: [deletedAt, ...rows.params],
      },
    ]
  })
}
