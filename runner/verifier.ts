import type { Connection } from '../db/connection.js'
import type { SqlAdapter } from '../db/dialect.js'
import { bindPlaceholders } from '../db/placeholders.js'
import { scalar } from '../db/scalar.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { selfEdges, type DeletionPlan, type PlanStep } from '../scenarios/deletion-plan.js'
import type { CallbackSpec, TrafficSpec } from '../scenarios/scenario.js'
import {
  affectedCondition,
  affectedKeysSql,
  columnList,
  deleteStepOf,
  edgeMatch,
  referencesCondition,
} from '../scenarios/target-sql.js'
import { tableChecksum } from '../seeds/checksum.js'
import { countOrphans } from '../seeds/orphans.js'
import { chunked, placeholders } from '../core/sql-lists.js'

/** What a correct deletion leaves behind, computed once on the pristine seeded database. */
export interface Expectation {
  readonly tables: Readonly<
    Record<
      string,
      {
        readonly seeded: number
        /** Rows the deletion must remove. */
        readonly deleted: number
        /** Checksum of the rows that must survive, without the columns callbacks or set null change. */
        readonly survivors: string
        readonly excluded: readonly string[]
        /** For set-null dependents: NULLs expected in each nulled column afterwards. */
        readonly nulls: Readonly<Record<string, number>>
        /** The largest seeded key: rows above it were added by foreground traffic and are not judged. */
        readonly maxKey: number | null
      }
    >
  >
  /** Parent rows each touch callback must have stamped with the deletion time. */
  readonly touches: readonly {
    readonly parent: string
    readonly key: string
    readonly column: string
    readonly keys: readonly CellValue[]
  }[]
}

type ExpectedTable = Expectation['tables'][string]

/** The verifier's finding: ok, or one line per problem. */
export interface Verdict {
  readonly ok: boolean
  readonly problems: readonly string[]
  /** Rows deleted per table, as found (seeded minus remaining). */
  readonly rowsDeleted: Readonly<Record<string, number>>
}

interface VerifyInput {
  readonly adapter: SqlAdapter
  readonly tables: readonly TableSpec[]
  readonly plan: DeletionPlan
  readonly where: string
  readonly params: readonly CellValue[]
  readonly callbacks: readonly CallbackSpec[]
  readonly traffic: readonly TrafficSpec[]
}

/**
 * Columns that may change on surviving rows: touch targets and set-null references, which a correct
 * deletion changes, and the columns foreground traffic updates while it runs.
 */
function changedColumns(input: VerifyInput, table: string): string[] {
  const touched = input.callbacks.flatMap((cb) =>
    cb.kind === 'touch' && cb.parent === table ? [cb.column] : [],
  )
  const nulled = input.plan.steps
    .filter((s) => s.table === table && s.action === 'set null')
    .flatMap((s) => s.via.flatMap((e) => e.columns))
  const updated = input.traffic.flatMap((stream) =>
    stream.updates?.table === table ? stream.updates.columns : [],
  )
  return [...new Set([...touched, ...nulled, ...updated])]
}

const count = async (conn: Connection, adapter: SqlAdapter, sql: string, params: readonly CellValue[] = []) =>
  Number(await scalar(conn, bindPlaceholders(sql, adapter), params))

/**
 * "This row of `step` is reached by the deletion", as an EXISTS chain up to the root: a dependent row is
 * reached when its parent row (by an edge's column) is. Unlike `fk IN (<keys>)`, the negation of an
 * EXISTS chain is planned as an anti-join everywhere: PostgreSQL cannot hash an IN list of millions of
 * keys under NOT, and would compare every pair.
 */
function reachedSql(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): { sql: string; params: readonly CellValue[] } {
  if (selfEdges(step).length > 0) {
    // A tree's subtree is a recursive selection: matched by key, not by a chain of EXISTS.
    const rows = affectedKeysSql(plan, step, where, params)
    return { sql: `(${columnList(step.primaryKey, `${step.table}.`)} IN (${rows.sql}))`, params: rows.params }
  }
  if (step.relation === 'root') return { sql: `(${where})`, params }
  const parts = step.via.map((edge) => {
    const parent = plan.steps.find((s) => s.table === edge.parent && s.action === 'delete') as PlanStep
    const inner = reachedSql(plan, parent, where, params)
    return {
      sql: `EXISTS (SELECT 1 FROM ${parent.table} WHERE ${edgeMatch(edge, step.table, parent.table)} AND ${inner.sql})`,
      params: inner.params,
    }
  })
  return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) }
}

/**
 * The rows of a plan step that the deletion leaves alone. The root's predicate may be NULL for a row
 * (CASE keeps such rows); a dependent's EXISTS chain never is, and its plain NOT becomes an anti-join.
 */
function untouchedBy(
  plan: DeletionPlan,
  step: PlanStep,
  where: string,
  params: readonly CellValue[],
): { sql: string; params: readonly CellValue[] } {
  const reached = reachedSql(plan, step, where, params)
  const sql =
    step.relation === 'root' && selfEdges(step).length === 0
      ? `CASE WHEN ${reached.sql} THEN 1 ELSE 0 END = 0`
      : `NOT ${reached.sql}`
  return { sql, params: reached.params }
}

/** Reads, on the pristine database, what the deletion must do to each table. */
export async function expectDeletion(pristine: Connection, input: VerifyInput): Promise<Expectation> {
  const { adapter, plan, where, params } = input
  const tables: Record<string, ExpectedTable> = {}
  for (const table of input.tables) {
    const seeded = await count(pristine, adapter, `SELECT COUNT(*) FROM ${table.name}`)
    const step = deleteStepOf(plan, table.name)
    const affected = step ? affectedCondition(plan, step, where, params) : undefined
    const deleted = affected
      ? await count(
          pristine,
          adapter,
          `SELECT COUNT(*) FROM ${table.name} WHERE ${affected.sql}`,
          affected.params,
        )
      : 0
    const excluded = changedColumns(input, table.name)
    const filter = affected ? untouchedBy(plan, step as PlanStep, where, params) : undefined
    const survivors = (
      await tableChecksum(pristine, adapter, table, { ...(filter ? { filter } : {}), exclude: excluded })
    ).checksum
    const nulls = await expectedNulls(pristine, input, table.name)
    // Only a single integer key tells seeded rows from rows traffic adds; other tables are judged whole.
    const key = integerKey(table)
    const maxKey = key
      ? await count(pristine, adapter, `SELECT COALESCE(MAX(${key}), 0) FROM ${table.name}`)
      : null
    tables[table.name] = { seeded, deleted, survivors, excluded, nulls, maxKey }
  }
  return { tables, touches: await expectedTouches(pristine, input) }
}

/**
 * For each set-null reference of a table: the NULLs a correct deletion leaves in that column, those
 * already there plus those it sets, counted on surviving rows only.
 */
async function expectedNulls(
  pristine: Connection,
  input: VerifyInput,
  table: string,
): Promise<Record<string, number>> {
  const { adapter, plan, where, params } = input
  const step = deleteStepOf(plan, table)
  const nulls: Record<string, number> = {}
  for (const nullStep of plan.steps.filter((s) => s.table === table && s.action === 'set null')) {
    for (const edge of nullStep.via) {
      const reached = referencesCondition(plan, { ...nullStep, via: [edge] }, where, params)
      const survivor = step ? untouchedBy(plan, step, where, params) : undefined
      const notDeleted = survivor ? ` AND ${survivor.sql}` : ''
      const nulledNow = await count(
        pristine,
        adapter,
        `SELECT COUNT(*) FROM ${table} WHERE (${reached.sql})${notDeleted}`,
        [...reached.params, ...(survivor?.params ?? [])],
      )
      // Every column of a composite reference is nulled together.
      for (const column of edge.columns) {
        const already = await count(
          pristine,
          adapter,
          `SELECT COUNT(*) FROM ${table} WHERE ${column} IS NULL${notDeleted}`,
          survivor?.params ?? [],
        )
        nulls[column] = already + nulledNow
      }
    }
  }
  return nulls
}

/** For each touch callback: the parent rows the deletion must stamp, read before anything is deleted. */
async function expectedTouches(pristine: Connection, input: VerifyInput): Promise<Expectation['touches']> {
  const { adapter, plan, where, params } = input
  const touches: Expectation['touches'][number][] = []
  for (const cb of input.callbacks) {
    if (cb.kind !== 'touch') continue
    const step = deleteStepOf(plan, cb.table)
    if (!step) continue
    const rows = affectedKeysSql(plan, step, where, params, [cb.foreignKey])
    const { rows: found } = await pristine.query(
      bindPlaceholders(`SELECT DISTINCT ${cb.foreignKey} AS k FROM (${rows.sql}) touched_rows`, adapter),
      rows.params,
    )
    const key = input.tables.find((t) => t.name === cb.parent)?.primaryKey[0] ?? 'id'
    const gone = await deletedKeys(pristine, input, cb.parent, key)
    touches.push({
      parent: cb.parent,
      key,
      column: cb.column,
      // A parent the deletion removes too (through a cycle: a cascade back into it) has no row to stamp.
      keys: found.map((r) => r.k as CellValue).filter((k) => k !== null && !gone.has(String(k))),
    })
  }
  return touches
}

/** The keys (as text) of the rows of `table` the deletion removes; none where it removes none. */
async function deletedKeys(
  pristine: Connection,
  input: VerifyInput,
  table: string,
  key: string,
): Promise<Set<string>> {
  const { adapter, plan, where, params } = input
  const step = deleteStepOf(plan, table)
  if (!step) return new Set()
  const rows = affectedKeysSql(plan, step, where, params, [key])
  const { rows: found } = await pristine.query(
    bindPlaceholders(`SELECT DISTINCT ${key} AS k FROM (${rows.sql}) deleted_rows`, adapter),
    rows.params,
  )
  return new Set(found.map((r) => String(r.k)))
}

/** Target rows the strategy left in the root table. */
async function targetProblems(working: Connection, input: VerifyInput): Promise<string[]> {
  const root = input.plan.root
  const left = await count(
    working,
    input.adapter,
    `SELECT COUNT(*) FROM ${root} WHERE ${input.where}`,
    input.params,
  )
  return left > 0 ? [`${left} target ${plural(left, 'row')} left in ${root}`] : []
}

/**
 * Rows deleted from a table (seeded minus remaining), and what is wrong with them: too many or too few,
 * or the right number but not the survivors that should be (checksum).
 */
async function deletedRowProblems(
  working: Connection,
  adapter: SqlAdapter,
  table: TableSpec,
  want: ExpectedTable,
): Promise<{ deleted: number; problems: string[] }> {
  // Rows traffic inserted during the deletion lie above the seeded keys: they are not the strategy's.
  const key = integerKey(table)
  const seededRows = want.maxKey === null || !key ? undefined : { sql: `${key} <= ?`, params: [want.maxKey] }
  const remaining = await count(
    working,
    adapter,
    `SELECT COUNT(*) FROM ${table.name}${seededRows ? ` WHERE ${seededRows.sql}` : ''}`,
    seededRows?.params ?? [],
  )
  const deleted = want.seeded - remaining
  const excess = deleted - want.deleted
  if (excess > 0)
    return { deleted, problems: [`deleted ${excess} ${plural(excess, 'row')} too many from ${table.name}`] }
  if (excess < 0)
    return {
      deleted,
      problems: [`left ${-excess} ${plural(-excess, 'row')} in ${table.name} that should have been deleted`],
    }
  const survivors = await tableChecksum(working, adapter, table, {
    exclude: want.excluded,
    ...(seededRows ? { filter: seededRows } : {}),
  })
  return survivors.checksum === want.survivors
    ? { deleted, problems: [] }
    : {
        deleted,
        problems: [
          `the surviving rows of ${table.name} are not the ones that should survive (checksum differs)`,
        ],
      }
}

/** Set-null references the strategy did not null, or nulled where it should not have. */
async function nullProblems(
  working: Connection,
  adapter: SqlAdapter,
  table: TableSpec,
  want: ExpectedTable,
): Promise<string[]> {
  const problems: string[] = []
  for (const [column, nulls] of Object.entries(want.nulls)) {
    const found = await count(working, adapter, `SELECT COUNT(*) FROM ${table.name} WHERE ${column} IS NULL`)
    if (found !== nulls)
      problems.push(
        `${table.name}.${column}: ${Math.abs(nulls - found)} references ${found < nulls ? 'not' : 'wrongly'} set to NULL`,
      )
  }
  return problems
}

/** Rows whose foreign key names a parent the strategy deleted. */
async function orphanProblems(working: Connection, adapter: SqlAdapter, table: TableSpec): Promise<string[]> {
  const problems: string[] = []
  for (const fk of table.foreignKeys) {
    const orphans = await countOrphans(working, adapter, table.name, fk)
    if (orphans > 0)
      problems.push(
        `${orphans} orphaned ${plural(orphans, 'row')} in ${table.name} (${fk.columns.join(', ')} → ${fk.references})`,
      )
  }
  return problems
}

/** Parent rows a touch callback should have stamped with the deletion time and did not, or did wrongly. */
async function touchProblems(
  working: Connection,
  adapter: SqlAdapter,
  touch: Expectation['touches'][number],
  deletedAt: string,
): Promise<string[]> {
  const problems: string[] = []
  let stamped = 0
  for (const chunk of chunked(touch.keys, 1000)) {
    stamped += await count(
      working,
      adapter,
      `SELECT COUNT(*) FROM ${touch.parent} WHERE ${touch.column} = ? AND ${touch.key} IN (${placeholders(chunk.length)})`,
      [deletedAt, ...chunk],
    )
  }
  const missing = touch.keys.length - stamped
  if (missing > 0) problems.push(`${missing} ${touch.parent} not touched`)
  const everywhere = await count(
    working,
    adapter,
    `SELECT COUNT(*) FROM ${touch.parent} WHERE ${touch.column} = ?`,
    [deletedAt],
  )
  if (everywhere > stamped)
    problems.push(`${everywhere - stamped} ${touch.parent} touched that should not have been`)
  return problems
}

/**
 * Checks a database after a strategy ran: every target row and dependent gone, every other row intact
 * (counts and survivor checksums), no orphans, every callback's side effect applied. Each problem is one
 * line naming the table and the size of the error, so fast-but-wrong never passes for a winner.
 */
export async function verifyDeletion(
  working: Connection,
  input: VerifyInput,
  expected: Expectation,
  deletedAt: string,
): Promise<Verdict> {
  const { adapter } = input
  const problems = await targetProblems(working, input)
  const rowsDeleted: Record<string, number> = {}
  for (const table of input.tables) {
    const want = expected.tables[table.name]
    if (!want) continue
    const rows = await deletedRowProblems(working, adapter, table, want)
    rowsDeleted[table.name] = rows.deleted
    problems.push(
      ...rows.problems,
      ...(await nullProblems(working, adapter, table, want)),
      ...(await orphanProblems(working, adapter, table)),
    )
  }
  for (const touch of expected.touches)
    problems.push(...(await touchProblems(working, adapter, touch, deletedAt)))
  return { ok: problems.length === 0, problems, rowsDeleted }
}

/** The table's key column when it is a single integer one (the only kind whose maximum means "seeded"). */
function integerKey(table: TableSpec): string | undefined {
  const [key, ...more] = table.primaryKey
  const type = table.columns.find((c) => c.name === key)?.type
  return key !== undefined && more.length === 0 && (type === 'integer' || type === 'bigint') ? key : undefined
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`
}
