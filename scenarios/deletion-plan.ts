import type { ColumnSpec, FkAction, ForeignKeySpec } from '../core/table-spec.js'

/** The FK-graph facts planning needs about a table (a `TableSpec` has them all). */
export interface PlannedTable {
  readonly name: string
  /** The primary key's columns; empty for a table without one. */
  readonly primaryKey: readonly string[]
  readonly foreignKeys?: readonly ForeignKeySpec[]
  /** Which columns are nullable: a cycle can only be broken at an FK whose columns all are. */
  readonly columns?: readonly Pick<ColumnSpec, 'name' | 'nullable'>[]
}

/** An FK edge by which a table's rows depend on rows of a parent table being deleted. */
export interface DependencyEdge {
  /** The referencing columns of the dependent table. */
  readonly columns: readonly string[]
  readonly parent: string
  /** The parent's referenced columns, paired with `columns`. */
  readonly referencedColumns: readonly string[]
  readonly onDelete: FkAction
  /**
   * Set on the nullable FK at which a cycle of foreign keys is broken: whatever its ON DELETE, the plan
   * nulls it (a `set null` step) before the rows it references go, instead of following it.
   */
  readonly breaksCycle?: true
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
  /** The table's primary-key columns; empty for a table without one. */
  readonly primaryKey: readonly string[]
  /** `delete` the affected rows, or `set null` their references (they survive). */
  readonly action: 'delete' | 'set null'
  readonly relation: Relation
  /**
   * The edges to parents whose deletion affects this table's rows (empty for the root). A delete
   * step's edge to its own table (a self-reference, `parent === table`) means its affected rows are a
   * closure: the rows reached by the other edges (or the target predicate) and, recursively, every row
   * referencing one of them (a subtree).
   */
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

/** A delete step's self-referencing edges (trees): its affected rows are a recursive closure. */
export function selfEdges(step: PlanStep): readonly DependencyEdge[] {
  return step.action === 'delete' ? step.via.filter((e) => e.parent === step.table) : []
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
          `foreign key ${table.name}.${fk.columns.join(',')} references unknown table '${fk.references}'`,
        )
      }
    }
  }
  return byName
}

/** An FK by its table and position: how the cycle-breaking set names the edges it breaks. */
const edgeId = (table: string, index: number) => `${table}#${index}`

/**
 * The FKs at which cycles are broken. Self-references are not cycles here (a tree's rows are ordered
 * by the recursive selection and seeded earlier-row-first). For every set of tables whose FKs form a
 * cycle (a strongly connected component), the rule is: break the cycle at its nullable `set null` FKs
 * (the database nulls those itself, so the plan agrees with it); if the tables still form a cycle, also
 * at their other nullable FKs but cascading ones (strategies null those first, as the database would
 * otherwise refuse to delete either side); if they still do, the scenario is refused: no order can insert
 * or delete them, or only nulling a cascading FK could, which the database would cascade through.
 * A broken FK is nulled before the rows it references go; the other FKs order the tables.
 */
export function cycleBreaks(tables: readonly PlannedTable[]): ReadonlySet<string> {
  const byName = tableMap(tables)
  const nullable = (table: PlannedTable, fk: ForeignKeySpec) =>
    fk.columns.every((c) => table.columns?.find((col) => col.name === c)?.nullable === true)
  const broken = new Set<string>()
  for (const component of stronglyConnected(tables)) {
    if (component.length < 2) continue
    const inside = new Set(component)
    const edges = component.flatMap((name) =>
      ((byName.get(name) as PlannedTable).foreignKeys ?? []).flatMap((fk, i) =>
        fk.references !== name && inside.has(fk.references)
          ? [
              {
                id: edgeId(name, i),
                from: name,
                to: fk.references,
                fk,
                table: byName.get(name) as PlannedTable,
              },
            ]
          : [],
      ),
    )
    const acyclic = () =>
      isAcyclic(
        component,
        edges.filter((e) => !broken.has(e.id)),
      )
    for (const e of edges) if (e.fk.onDelete === 'set null' && nullable(e.table, e.fk)) broken.add(e.id)
    if (acyclic()) continue
    for (const e of edges) if (e.fk.onDelete !== 'cascade' && nullable(e.table, e.fk)) broken.add(e.id)
    if (acyclic()) continue
    // Nulling a cascading FK would disagree with the database, which deletes through it: the plan's
    // expectation would call the database's own cascade wrong (found by the property tests).
    const cascading = edges.find((e) => nullable(e.table, e.fk))
    if (cascading)
      throw new PlanError(
        `foreign keys form a cycle among tables ${component.join(', ')} that only ${cascading.from}.${cascading.fk.columns.join(', ')} (nullable, ON DELETE CASCADE) could break: delbench breaks a cycle by nulling a foreign key where the database would cascade through it; make that foreign key set null or no action`,
      )
    throw new PlanError(
      `foreign keys form a cycle among tables ${component.join(', ')} and none of its foreign keys is nullable: no row of any of them could be inserted first (make one of them nullable)`,
    )
  }
  return broken
}

/** Tarjan's strongly connected components of the FK graph (self-references left out), in declaration order. */
function stronglyConnected(tables: readonly PlannedTable[]): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const byName = new Map(tables.map((t) => [t.name, t]))
  let next = 0
  const visit = (name: string): void => {
    index.set(name, next)
    low.set(name, next++)
    stack.push(name)
    onStack.add(name)
    for (const fk of byName.get(name)?.foreignKeys ?? []) {
      const to = fk.references
      if (to === name || !byName.has(to)) continue
      if (!index.has(to)) {
        visit(to)
        low.set(name, Math.min(low.get(name) as number, low.get(to) as number))
      } else if (onStack.has(to)) low.set(name, Math.min(low.get(name) as number, index.get(to) as number))
    }
    if (low.get(name) !== index.get(name)) return
    const component: string[] = []
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top)
      component.push(top)
      if (top === name) break
    }
    components.push(tables.map((t) => t.name).filter((n) => component.includes(n)))
  }
  for (const table of tables) if (!index.has(table.name)) visit(table.name)
  return components
}

function isAcyclic(names: readonly string[], edges: readonly { from: string; to: string }[]): boolean {
  try {
    topologicalOrder(names, (n) => edges.filter((e) => e.from === n).map((e) => e.to))
    return true
  } catch {
    return false
  }
}

/**
 * Plans the deletion of target rows of `root`: every table whose rows depend on them (transitively,
 * through `cascade`, `restrict` and `no action` FKs, a self-reference's subtree included), each table's
 * `set null` dependents (and the FKs at which cycles are broken, see `cycleBreaks`), and an order in
 * which children go before parents.
 */
export function planDeletion(tables: readonly PlannedTable[], root: string): DeletionPlan {
  const byName = tableMap(tables)
  if (!byName.has(root)) throw new PlanError(`the target table '${root}' is not one of the scenario's tables`)
  const broken = cycleBreaks(tables)

  // Which tables reference each table, and how.
  const referencing = new Map<string, { table: PlannedTable; edge: DependencyEdge }[]>()
  for (const table of tables) {
    ;(table.foreignKeys ?? []).forEach((fk, i) => {
      const list = referencing.get(fk.references) ?? []
      const edge: DependencyEdge = {
        columns: fk.columns,
        parent: fk.references,
        referencedColumns: fk.referencedColumns,
        onDelete: fk.onDelete,
        ...(broken.has(edgeId(table.name, i)) ? { breaksCycle: true as const } : {}),
      }
      list.push({ table, edge })
      referencing.set(fk.references, list)
    })
  }

  // Breadth-first from the root: depth, and the edges into each affected table.
  const deleted = new Map<string, { depth: number; via: DependencyEdge[] }>([[root, { depth: 0, via: [] }]])
  const nulled = new Map<string, { depth: number; via: DependencyEdge[] }>()
  const queue = [root]
  while (queue.length > 0) {
    const parent = queue.shift() as string
    const depth = (deleted.get(parent)?.depth ?? 0) + 1
    for (const { table, edge } of referencing.get(parent) ?? []) {
      const target = edge.onDelete === 'set null' || edge.breaksCycle ? nulled : deleted
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

  const order = childrenFirst([...deleted.keys()], byName, broken)
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
    steps.push(step(byName, name, 'delete', entry.depth, entry.via, deleted))
  }
  const rootStep = steps.find((s) => s.table === root && s.action === 'delete') as PlanStep
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
  const fks = (table.foreignKeys ?? []).filter((fk) => fk.references !== table.name)
  const isKey = (columns: readonly string[]) =>
    table.primaryKey.length > 0 &&
    columns.length === table.primaryKey.length &&
    columns.every((c, i) => table.primaryKey[i] === c)
  if (fks.some((fk) => isKey(fk.columns) && deleted.has(fk.references))) return 'inherits'
  const toDeleted = fks.filter((fk) => deleted.has(fk.references))
  const toSurvivors = fks.filter((fk) => !deleted.has(fk.references))
  if (toDeleted.length > 0 && toSurvivors.length > 0 && fks.length === 2) return 'link'
  return 'child'
}

/**
 * Orders a set of tables so that every table comes before the tables it references (among the set),
 * leaving out self-references, `set null` FKs and the FKs at which cycles are broken (those are nulled
 * first). Ties keep declaration order, so plans are stable.
 */
function childrenFirst(
  names: readonly string[],
  byName: Map<string, PlannedTable>,
  broken: ReadonlySet<string>,
): string[] {
  const inSet = new Set(names)
  const declared = [...byName.keys()].filter((n) => inSet.has(n))
  return topologicalOrder(declared, (name) =>
    // `name` must come after every table in the set that references it.
    declared.filter(
      (other) =>
        other !== name &&
        (byName.get(other)?.foreignKeys ?? []).some(
          (fk, i) => fk.references === name && fk.onDelete !== 'set null' && !broken.has(edgeId(other, i)),
        ),
    ),
  )
}

/**
 * Orders all tables parents first (the order to create and load them), leaving out self-references and
 * the FKs at which cycles are broken. Rejects a cycle that cannot be broken.
 */
export function loadOrder(tables: readonly PlannedTable[]): string[] {
  const byName = tableMap(tables)
  const broken = cycleBreaks(tables)
  const declared = tables.map((t) => t.name)
  return topologicalOrder(declared, (name) =>
    (byName.get(name)?.foreignKeys ?? []).flatMap((fk, i) =>
      fk.references === name || broken.has(edgeId(name, i)) ? [] : [fk.references],
    ),
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
