import type { FkAction } from '../core/table-spec.js'
import type { ScenarioForeignKey } from './scenario.js'

/** The FK-graph facts planning needs about a table. */
export interface PlannedTable {
  readonly name: string
  readonly primaryKey: string
  readonly foreignKeys?: readonly ScenarioForeignKey[]
}

/** An FK edge by which a table's rows depend on rows of a parent table being deleted. */
export interface DependencyEdge {
  /** The referencing column of the dependent table. */
  readonly column: string
  readonly parent: string
  readonly onDelete: FkAction
}

/** How a dependent table relates to what references it: worth naming in reports and dry runs. */
export type Relation =
  /** The target's own table. */
  | 'root'
  /** Shares its primary key with its parent (multi-table inheritance): one child row per parent row. */
  | 'inherits'
  /** A many-to-many link: references a deleted table and one that survives. */
  | 'link'
  /** Any other referencing table. */
  | 'child'

export interface PlanStep {
  readonly table: string
  readonly primaryKey: string
  /** `delete` the affected rows, or `set null` their references (they survive). */
  readonly action: 'delete' | 'set null'
  readonly relation: Relation
  /** The edges to parents whose deletion affects this table's rows (empty for the root). */
  readonly via: readonly DependencyEdge[]
  /** Edges from the root to this table, counted along the shortest path. */
  readonly depth: number
}

/** What deleting target rows of `root` involves, in an order the database will accept. */
export interface DeletionPlan {
  readonly root: string
  /**
   * Children before parents: each table's rows are deleted (or its references nulled) before any
   * table it references. The root comes last.
   */
  readonly steps: readonly PlanStep[]
  /** The root's own step (the last of `steps`): every plan has one. */
  readonly rootStep: PlanStep
}

/** A scenario whose FK graph delbench cannot plan; the message names the tables involved. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PlanError'
  }
}

function tableMap(tables: readonly PlannedTable[]): Map<string, PlannedTable> {
  const byName = new Map<string, PlannedTable>()
  for (const table of tables) {
    if (byName.has(table.name)) throw new PlanError(`table '${table.name}' is declared twice`)
    byName.set(table.name, table)
  }
  for (const table of tables) {
    for (const fk of table.foreignKeys ?? []) {
      if (!byName.has(fk.references)) {
        throw new PlanError(
          `foreign key ${table.name}.${fk.column} references unknown table '${fk.references}'`,
        )
      }
      if (fk.references === table.name) {
        throw new PlanError(
          `table '${table.name}' references itself (${table.name}.${fk.column}): self-referencing foreign keys are not supported; model the hierarchy with a separate table`,
        )
      }
    }
  }
  return byName
}

/**
 * Plans the deletion of target rows of `root`: every table whose rows depend on them (transitively,
 * through `cascade` and `restrict` FKs), each table's `set null` dependents, and an order in which
 * children go before parents. A dependency cycle is rejected, naming it.
 */
export function planDeletion(tables: readonly PlannedTable[], root: string): DeletionPlan {
  const byName = tableMap(tables)
  if (!byName.has(root)) throw new PlanError(`the target table '${root}' is not one of the scenario's tables`)

  // Which tables reference each table, and how.
  const referencing = new Map<string, { table: PlannedTable; fk: ScenarioForeignKey }[]>()
  for (const table of tables) {
    for (const fk of table.foreignKeys ?? []) {
      const list = referencing.get(fk.references) ?? []
      list.push({ table, fk })
      referencing.set(fk.references, list)
    }
  }

  // Breadth-first from the root: depth, and the edges into each affected table.
  const deleted = new Map<string, { depth: number; via: DependencyEdge[] }>([[root, { depth: 0, via: [] }]])
  const nulled = new Map<string, { depth: number; via: DependencyEdge[] }>()
  const queue = [root]
  while (queue.length > 0) {
    const parent = queue.shift() as string
    const depth = (deleted.get(parent)?.depth ?? 0) + 1
    for (const { table, fk } of referencing.get(parent) ?? []) {
      const edge = { column: fk.column, parent, onDelete: fk.onDelete }
      const target = fk.onDelete === 'set null' ? nulled : deleted
      const entry = target.get(table.name)
      if (entry) {
        entry.via.push(edge)
        continue
      }
      target.set(table.name, { depth, via: [edge] })
      if (target === deleted) queue.push(table.name)
    }
  }
  // A table reached both ways gets both steps: rows under a deleted parent of the deleting path go,
  // rows whose only deleted parent is on the set-null path survive with the reference nulled.

  const order = childrenFirst([...deleted.keys()], byName)
  const rootStep = step(byName, root, 'delete', 0, [], deleted)
  const steps: PlanStep[] = []
  for (const name of order) {
    // A table's set-null dependents are updated before the table's own rows go.
    for (const [nullName, entry] of nulled) {
      if (
        entry.via.some((e) => e.parent === name) &&
        !steps.some((s) => s.table === nullName && s.action === 'set null')
      ) {
        steps.push(step(byName, nullName, 'set null', entry.depth, entry.via, deleted))
      }
    }
    const entry = deleted.get(name) as { depth: number; via: DependencyEdge[] }
    steps.push(name === root ? rootStep : step(byName, name, 'delete', entry.depth, entry.via, deleted))
  }
  return { root, steps, rootStep }
}

function step(
  byName: Map<string, PlannedTable>,
  name: string,
  action: 'delete' | 'set null',
  depth: number,
  via: DependencyEdge[],
  deleted: Map<string, unknown>,
): PlanStep {
  const table = byName.get(name) as PlannedTable
  return {
    table: name,
    primaryKey: table.primaryKey,
    action,
    relation: relationOf(table, depth, deleted),
    via,
    depth,
  }
}

function relationOf(table: PlannedTable, depth: number, deleted: Map<string, unknown>): Relation {
  if (depth === 0) return 'root'
  const fks = table.foreignKeys ?? []
  if (fks.some((fk) => fk.column === table.primaryKey && deleted.has(fk.references))) return 'inherits'
  const toDeleted = fks.filter((fk) => deleted.has(fk.references))
  const toSurvivors = fks.filter((fk) => !deleted.has(fk.references))
  if (toDeleted.length > 0 && toSurvivors.length > 0 && fks.length === 2) return 'link'
  return 'child'
}

/**
 * Orders a set of tables so that every table comes before the tables it references (among the set).
 * Ties keep declaration order, so plans are stable. Rejects a cycle, naming its tables.
 */
function childrenFirst(names: readonly string[], byName: Map<string, PlannedTable>): string[] {
  const inSet = new Set(names)
  const declared = [...byName.keys()].filter((n) => inSet.has(n))
  return topologicalOrder(declared, (name) =>
    // `name` must come after every table in the set that references it.
    declared.filter((other) =>
      (byName.get(other)?.foreignKeys ?? []).some(
        (fk) => fk.references === name && fk.onDelete !== 'set null',
      ),
    ),
  )
}

/**
 * Orders all tables parents first (the order to create and load them). Rejects a cycle.
 */
export function loadOrder(tables: readonly PlannedTable[]): string[] {
  const byName = tableMap(tables)
  const declared = tables.map((t) => t.name)
  return topologicalOrder(declared, (name) =>
    (byName.get(name)?.foreignKeys ?? []).map((fk) => fk.references),
  )
}

/** Kahn's algorithm: `before(n)` lists what must precede `n`. Stable in the given order. */
function topologicalOrder(names: readonly string[], before: (name: string) => readonly string[]): string[] {
  const pending = new Map(names.map((n) => [n, new Set(before(n).filter((b) => names.includes(b)))]))
  const order: string[] = []
  while (pending.size > 0) {
    const ready = [...pending.keys()].find((n) => (pending.get(n) as Set<string>).size === 0)
    if (ready === undefined) {
      throw new PlanError(
        `foreign keys form a cycle among tables ${[...pending.keys()].join(', ')}: delbench cannot order their deletion`,
      )
    }
    order.push(ready)
    pending.delete(ready)
    for (const deps of pending.values()) deps.delete(ready)
  }
  return order
}
