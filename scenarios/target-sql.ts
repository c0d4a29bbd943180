import type { CellValue } from '../core/table-spec.js'
import { selfEdges, type DeletionPlan, type DependencyEdge, type PlanStep } from './deletion-plan.js'
import type { CallbackSpec } from './scenario.js'

/** Portable SQL (`?` placeholders, unquoted lower-case identifiers) with its parameters. */
export interface PortableSql {
  readonly sql: string
  readonly params: readonly CellValue[]
  /**
   * Run it again until it affects no rows: a tree's rows are deleted leaves first, one level per run,
   * because InnoDB checks a self-reference row by row and would refuse a parent deleted before its child.
   */
  readonly repeat?: true
}

/** The plan's delete step for a table, if the deletion reaches it. */
export function deleteStepOf(plan: DeletionPlan, table: string): PlanStep | undefined {
  return plan.steps.find((s) => s.table === table && s.action === 'delete')
}

/** A column list as SQL: `a`, or the row value `(a, b)`. */
export function columnList(columns: readonly string[], prefix = ''): string {
  const named = columns.map((c) => `${prefix}${c}`)
  return named.length === 1 ? (named[0] as string) : `(${named.join(', ')})`
}

/** `c.x = p.a AND c.y = p.b`: a child's FK columns equal to the parent's referenced columns. */
export function edgeMatch(edge: DependencyEdge, child: string, parent: string): string {
  return edge.columns
    .map((c, i) => `${child}.${c} = ${parent}.${edge.referencedColumns[i] ?? ''}`)
    .join(' AND ')
}

/**
 * Columns (by default the key) of a plan step's affected rows, as a sub-query built from the target
 * predicate: the root's `SELECT pk FROM root WHERE predicate`, and for a dependent, its rows referencing
 * any affected parent (`fk IN (<parent's sub-query>)`, OR-ed over its edges), closed over a
 * self-reference (see `affectedCondition`). Evaluated before the parents are deleted, it selects exactly
 * the rows the deletion involves, without loading any of them.
 */
export function affectedKeysSql(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
  columns: readonly string[] = step.primaryKey,
): PortableSql {
  const condition = affectedCondition(plan, step, where, params)
  return {
    sql: `SELECT ${columns.join(', ')} FROM ${step.table} WHERE ${condition.sql}`,
    params: condition.params,
  }
}

/**
 * The condition on a delete step's table selecting its affected rows. Where the table references itself
 * (a tree), the rows reached directly are the anchors of a recursive selection that adds every row
 * referencing a selected one: `pk IN (WITH RECURSIVE t_tree AS (anchors UNION children) SELECT pk …)`.
 */
export function affectedCondition(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): PortableSql {
  const base =
    step.relation === 'root' ? { sql: where, params } : referencesCondition(plan, step, where, params)
  const self = selfEdges(step)
  if (self.length === 0) return base
  const key = step.primaryKey
  const carried = [...new Set([...key, ...self.flatMap((e) => e.referencedColumns)])]
  const tree = `${step.table}_tree`
  const join = self.map((e) => `(${edgeMatch(e, 'c', 'p')})`).join(' OR ')
  const recursive =
    `WITH RECURSIVE ${tree} (${carried.join(', ')}) AS (SELECT ${carried.join(', ')} FROM ${step.table} WHERE ${base.sql}` +
    ` UNION SELECT ${carried.map((c) => `c.${c}`).join(', ')} FROM ${step.table} c JOIN ${tree} p ON ${join})`
  return {
    sql: `${columnList(key)} IN (${recursive} SELECT ${key.join(', ')} FROM ${tree})`,
    params: base.params,
  }
}

/**
 * `fk IN (<parent's affected rows' referenced columns>)`, OR-ed over the step's edges (a delete step's
 * self-reference left out: `affectedCondition` follows it): the rows a deletion reaches.
 */
export function referencesCondition(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): PortableSql {
  const edges = step.action === 'delete' ? step.via.filter((e) => e.parent !== step.table) : step.via
  const parts = edges.map((edge) => {
    const parent = deleteStepOf(plan, edge.parent)
    if (!parent) throw new Error(`plan has no delete step for ${edge.parent}`)
    const inner = affectedKeysSql(plan, parent, where, params, edge.referencedColumns)
    return { sql: `${columnList(edge.columns)} IN (${inner.sql})`, params: inner.params }
  })
  return { sql: parts.map((p) => p.sql).join(' OR '), params: parts.flatMap((p) => p.params) }
}

/**
 * The statements that delete the target and its dependents children-first with sub-queries on the
 * parents (the optimized collector of field report 1), and null the references of `set null` dependents.
 * A table that references itself is deleted leaves first, one level per run of its statement (`repeat`).
 */
export function subqueryDeletionSql(
  plan: DeletionPlan,
  where: string,
  params: readonly CellValue[],
): PortableSql[] {
  return plan.steps.flatMap((step) => stepDeletionSql(plan, step, where, params))
}

/** One plan step's statements of `subqueryDeletionSql`. */
export function stepDeletionSql(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): PortableSql[] {
  if (step.action === 'set null') return setNullSql(plan, step, where, params)
  const self = selfEdges(step)
  if (step.relation === 'root' && self.length === 0)
    return [{ sql: `DELETE FROM ${step.table} WHERE ${where}`, params }]
  const condition = affectedCondition(plan, step, where, params)
  if (self.length === 0)
    return [{ sql: `DELETE FROM ${step.table} WHERE ${condition.sql}`, params: condition.params }]
  const leaf = self.map((e) => `(${edgeMatch(e, 'c', step.table)})`).join(' OR ')
  return [
    {
      sql: `DELETE FROM ${step.table} WHERE ${condition.sql} AND NOT EXISTS (SELECT 1 FROM ${step.table} c WHERE ${leaf})`,
      params: condition.params,
      repeat: true,
    },
  ]
}

/**
 * A set-null step: each edge's columns nulled where they reference an affected parent. Single-column
 * edges share one UPDATE of CASEs; a composite FK's columns are nulled together in an UPDATE of their
 * own (MySQL assigns left to right, so a CASE on the second column would see the first already NULL).
 */
function setNullSql(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): PortableSql[] {
  const single = (edge: DependencyEdge) => referencesCondition(plan, { ...step, via: [edge] }, where, params)
  const composite = step.via.filter((e) => e.columns.length > 1)
  const simple = step.via.filter((e) => e.columns.length === 1)
  const statements: PortableSql[] = composite.map((edge) => {
    const condition = single(edge)
    return {
      sql: `UPDATE ${step.table} SET ${edge.columns.map((c) => `${c} = NULL`).join(', ')} WHERE ${condition.sql}`,
      params: condition.params,
    }
  })
  if (simple.length === 0) return statements
  const sets = simple.map((edge) => {
    const condition = single(edge)
    const column = edge.columns[0] as string
    return {
      sql: `${column} = CASE WHEN ${condition.sql} THEN NULL ELSE ${column} END`,
      params: condition.params,
    }
  })
  const condition = referencesCondition(plan, { ...step, via: simple }, where, params)
  statements.push({
    sql: `UPDATE ${step.table} SET ${sets.map((s) => s.sql).join(', ')} WHERE ${condition.sql}`,
    params: [...sets.flatMap((s) => s.params), ...condition.params],
  })
  return statements
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
    const rows = affectedKeysSql(plan, step, where, params, [cb.foreignKey])
    return [
      {
        sql: `UPDATE ${cb.parent} SET ${cb.column} = ? WHERE ${parentKey(cb.parent)} IN (${rows.sql})`,
        params: [deletedAt, ...rows.params],
      },
    ]
  })
}
