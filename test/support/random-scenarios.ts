/**
 * Random scenarios for the property tests: FK graphs of up to 7 tables (chains, diamonds, several
 * parents, self-references, nullable cycles, composite keys), every ON DELETE action, FK columns indexed
 * or not, random value columns, row counts, fan-outs and a random target table. Each is a scenario file
 * as a user would write it (JSON), so validation sees exactly what a user's file would give it.
 */
import fc from 'fast-check'
import { FK_ACTIONS, type FkAction } from '../../core/table-spec.js'

type Json = Record<string, unknown>

/** Value columns of every portable type, each with a generator that suits it (the column-types fixture's). */
export const VALUE_COLUMNS: readonly Json[] = [
  { type: 'uuid', generate: { kind: 'uuid' } },
  { type: 'varchar', length: 12, generate: { kind: 'text', minLength: 3, maxLength: 12 } },
  {
    type: 'text',
    nullable: true,
    nullFraction: 0.2,
    generate: { kind: 'text', minLength: 4, maxLength: 10, distinct: 50 },
  },
  { type: 'integer', generate: { kind: 'int', min: -100, max: 100, distinct: 10 } },
  { type: 'bigint', generate: { kind: 'histogram', bounds: [0, 10, 100, 10000000000] } },
  { type: 'numeric', precision: 12, scale: 2, generate: { kind: 'number', min: -1000, max: 100000 } },
  { type: 'double', generate: { kind: 'number', min: 0, max: 1, distinct: 300 } },
  { type: 'boolean', generate: { kind: 'boolean', trueFraction: 0.7 } },
  { type: 'date', generate: { kind: 'timestamp', fromDays: -3000, toDays: 0 } },
  { type: 'timestamp', generate: { kind: 'timestamp', fromDays: -400, toDays: 0 } },
  {
    type: 'timestamptz',
    nullable: true,
    nullFraction: 0.1,
    generate: { kind: 'timestamp', fromDays: -30, toDays: 0 },
  },
  {
    type: 'enum',
    values: ['free', 'pro', "it's"],
    generate: { kind: 'choice', values: ['free', 'pro', "it's"], weights: [6, 2, 1] },
  },
  {
    type: 'bytes',
    nullable: true,
    nullFraction: 0.3,
    generate: { kind: 'bytes', minLength: 0, maxLength: 16 },
  },
  {
    type: 'array',
    element: 'text',
    generate: {
      kind: 'array',
      of: { kind: 'choice', values: ['red', 'a "q", t'] },
      minLength: 0,
      maxLength: 3,
    },
  },
  {
    type: 'array',
    element: 'numeric',
    generate: {
      kind: 'array',
      of: { kind: 'number', min: 0, max: 99, scale: 2 },
      minLength: 0,
      maxLength: 2,
    },
  },
  {
    type: 'json',
    generate: { kind: 'json', fields: { code: { kind: 'text', minLength: 2, maxLength: 2 } } },
  },
]

/** One table's shape, before it is written as JSON. */
interface TableDraft {
  /** Composite key (parent key, line_no) under its first parent, like order lines. */
  readonly composite: boolean
  /** Earlier tables it references (the first one holds its rows when `perParent` is set). */
  readonly parents: readonly number[]
  readonly actions: readonly FkAction[]
  readonly indexed: readonly boolean[]
  /** Rows per row of the first parent, or a fixed count spread uniformly. */
  readonly perParent: number | undefined
  readonly rows: number
  readonly selfReference: FkAction | undefined
  /** A nullable back edge to a later table: a cycle. */
  readonly backEdge: { readonly to: number; readonly action: FkAction } | undefined
  readonly values: readonly number[]
  /** Target share: weights of flag = 0 and flag = 1. */
  readonly flagWeights: readonly [number, number]
}

/** What the generator chose, kept for the coverage table. */
export interface Shape {
  readonly tables: number
  readonly composite: number
  readonly selfReferences: number
  readonly cycles: number
  readonly multiParent: number
  readonly actions: readonly FkAction[]
  readonly types: readonly string[]
  readonly unindexed: number
  readonly callback: boolean
}

const action = fc.constantFrom(...FK_ACTIONS)

function tableDraft(index: number, count: number): fc.Arbitrary<TableDraft> {
  const parentCount = index === 0 ? fc.constant(0) : fc.integer({ min: 1, max: Math.min(3, index) })
  return parentCount.chain((k) =>
    fc.record({
      composite: k > 0 ? fc.boolean() : fc.constant(false),
      parents: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, index - 1) }), {
        minLength: k,
        maxLength: k,
      }),
      actions: fc.array(action, { minLength: k, maxLength: k }),
      indexed: fc.array(fc.boolean(), { minLength: k, maxLength: k }),
      perParent:
        k > 0 ? fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) : fc.constant(undefined),
      rows: fc.integer({ min: 3, max: 40 }),
      selfReference: fc.option(action, { nil: undefined, freq: 4 }),
      backEdge:
        index + 1 < count
          ? fc.option(
              fc.record({
                to: fc.integer({ min: index + 1, max: count - 1 }),
                action: fc.constantFrom<FkAction>('set null', 'no action', 'cascade'),
              }),
              { nil: undefined, freq: 5 },
            )
          : fc.constant(undefined),
      values: fc.uniqueArray(fc.integer({ min: 0, max: VALUE_COLUMNS.length - 1 }), { maxLength: 3 }),
      flagWeights: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 })),
    }),
  )
}

/** A random scenario file (JSON) and the shape it has. */
export const randomScenario: fc.Arbitrary<{ readonly doc: Json; readonly shape: Shape }> = fc
  .integer({ min: 1, max: 7 })
  .chain((count) =>
    fc.record({
      drafts: fc.tuple(...Array.from({ length: count }, (_, i) => tableDraft(i, count))),
      target: fc.integer({ min: 0, max: count - 1 }),
      callback: fc.boolean(),
    }),
  )
  .map(({ drafts, target, callback }) => scenarioJson(effective(drafts), target, callback))

/**
 * The drafts as they can be written: a composite key only under a parent with a single-column key (its
 * first key column is the FK), never with a set-null FK (a key column cannot be NULL).
 */
function effective(drafts: readonly TableDraft[]): TableDraft[] {
  const out: TableDraft[] = []
  for (const d of drafts) {
    const first = d.parents[0]
    const composite = d.composite && first !== undefined && !(out[first] as TableDraft).composite
    const actions =
      composite && d.actions[0] === 'set null' ? ['cascade' as const, ...d.actions.slice(1)] : d.actions
    out.push({ ...d, composite, actions })
  }
  return out
}

const name = (i: number) => `t${i}`

/** The key columns of table `i` as drafted. */
function keyOf(drafts: readonly TableDraft[], i: number): string[] {
  const draft = drafts[i] as TableDraft
  return draft.composite ? [`p${draft.parents[0]}_id`, 'line_no'] : ['id']
}

function scenarioJson(
  drafts: readonly TableDraft[],
  target: number,
  callback: boolean,
): {
  doc: Json
  shape: Shape
} {
  const tables: Json[] = []
  const used = { actions: new Set<FkAction>(), types: new Set<string>(), unindexed: 0, self: 0, cycles: 0 }
  let touch: Json | undefined
  drafts.forEach((draft, i) => {
    const columns: Json[] = []
    const foreignKeys: Json[] = []
    const first = draft.parents[0]
    const block = first !== undefined && (draft.perParent !== undefined || draft.composite)
    const per = draft.perParent ?? 2
    if (!draft.composite) columns.push({ name: 'id', type: 'integer', generate: { kind: 'sequence' } })
    draft.parents.forEach((p, n) => {
      const fkAction = draft.actions[n] as FkAction
      const indexed = draft.indexed[n] as boolean
      used.actions.add(fkAction)
      if (!indexed) used.unindexed++
      const nullable = fkAction === 'set null'
      const parentKey = keyOf(drafts, p)
      const generate =
        n === 0 && block
          ? { kind: 'parent', table: name(p), per }
          : { kind: 'parent', table: name(p), distribution: 'uniform' }
      const own = parentKey.map((k) => `p${p}_${k === 'id' ? 'id' : k}`)
      // A composite key's first column is the FK to its first parent: the same column.
      own.forEach((c) =>
        columns.push({ name: c, type: 'integer', ...(nullable ? { nullable: true } : {}), generate }),
      )
      foreignKeys.push({
        ...(own.length === 1 ? { column: own[0] } : { columns: own, referencedColumns: parentKey }),
        references: name(p),
        onDelete: fkAction,
        indexed,
      })
      if (i === target && !touch && own.length === 1 && p !== i)
        touch = { kind: 'touch', table: name(i), foreignKey: own[0], parent: name(p), column: 'touched_at' }
    })
    if (draft.composite && first !== undefined)
      columns.push({
        name: 'line_no',
        type: 'integer',
        generate: { kind: 'nth-child', table: name(first), per },
      })
    if (draft.selfReference && !draft.composite) {
      used.self++
      used.actions.add(draft.selfReference)
      columns.push({
        name: 'up_id',
        type: 'integer',
        nullable: true,
        generate: { kind: 'parent', table: name(i), distribution: 'uniform', roots: 0.3 },
      })
      foreignKeys.push({ column: 'up_id', references: name(i), onDelete: draft.selfReference, indexed: true })
    }
    const back = draft.backEdge
    if (back && !draft.composite && keyOf(drafts, back.to).length === 1) {
      used.cycles++
      used.actions.add(back.action)
      columns.push({
        name: `back${back.to}_id`,
        type: 'integer',
        nullable: true,
        generate: { kind: 'parent', table: name(back.to), distribution: 'uniform' },
      })
      foreignKeys.push({
        column: `back${back.to}_id`,
        references: name(back.to),
        onDelete: back.action,
        indexed: true,
      })
    }
    columns.push({
      name: 'flag',
      type: 'integer',
      generate: {
        kind: 'choice',
        values: [0, 1],
        weights: [draft.flagWeights[0] || 0.5, draft.flagWeights[1]],
      },
    })
    columns.push({
      name: 'touched_at',
      type: 'timestamp',
      nullable: true,
      generate: { kind: 'constant', value: null },
    })
    draft.values.forEach((v, n) => {
      const column = VALUE_COLUMNS[v] as Json
      used.types.add(column.type as string)
      columns.push({ name: `v${n}`, ...column })
    })
    tables.push({
      name: name(i),
      ...(draft.composite ? { primaryKey: keyOf(drafts, i) } : { primaryKey: 'id' }),
      rows: block && first !== undefined ? { per, of: name(first) } : draft.rows,
      columns,
      ...(foreignKeys.length > 0 ? { foreignKeys } : {}),
    })
  })
  const doc: Json = {
    name: 'random',
    description: 'a random scenario of the property tests',
    referenceTime: '2026-01-01T00:00:00Z',
    tables,
    target: { description: 'flagged rows', table: name(target), where: 'flag = ?', params: [1] },
    ...(callback && touch ? { callbacks: [touch] } : {}),
  }
  return {
    doc,
    shape: {
      tables: drafts.length,
      composite: drafts.filter((d) => d.composite).length,
      selfReferences: used.self,
      cycles: used.cycles,
      multiParent: drafts.filter((d) => d.parents.length > 1).length,
      actions: [...used.actions].sort(),
      types: [...used.types].sort(),
      unindexed: used.unindexed,
      callback: callback && touch !== undefined,
    },
  }
}
