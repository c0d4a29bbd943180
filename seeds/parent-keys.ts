import type { RandomSource, RowContext, Scenario, ScenarioTable } from '../scenarios/scenario.js'
import { foreignKeyColumns, primaryKeyOf, referencedColumnsOf } from '../scenarios/scenario-keys.js'
import { compileGenerator, type GeneratorOptions, type KeyAt } from './generators.js'
import type { ValuePools } from './value-pools.js'
import { deriveSeed } from './random.js'

/** Referenced key columns are computed from the row index alone: a random draw there is a scenario bug. */
function noRandom(table: string, column: string): RandomSource {
  const refuse = (): never => {
    throw new Error(
      `${table}.${column} is referenced by a foreign key, so its generator must compute the value from the row index alone`,
    )
  }
  return { int: refuse, float: refuse, pick: refuse }
}

/**
 * The key values of parent rows, by row index: a child's `parent` generator picks a parent row index
 * and asks here for that row's referenced column, which is the parent column's own generator evaluated
 * at that index (a `sequence`, an `nth-child`, a block `parent`, or any generator computable from the
 * index, such as a uuid made from it). So children reference real keys, composite and non-sequence
 * keys included, without the parent's rows being kept in memory.
 */
export class ParentKeys {
  readonly #scenario: Scenario
  readonly #counts: Readonly<Record<string, number>>
  readonly #pools: ValuePools
  readonly #seed: number
  readonly #cache = new Map<string, KeyAt>()

  constructor(scenario: Scenario, counts: Readonly<Record<string, number>>, pools: ValuePools, seed: number) {
    this.#scenario = scenario
    this.#counts = counts
    this.#pools = pools
    this.#seed = seed
  }

  /** The function from a row index of `table` to its `column` value. */
  keyAt(table: string, column: string): KeyAt {
    const id = `${table}.${column}`
    const known = this.#cache.get(id)
    if (known) return known
    const spec = this.#scenario.tables.find((t) => t.name === table)
    const generator = spec?.columns.find((c) => c.name === column)?.generate
    if (!spec || !generator) throw new Error(`no generator for the referenced key ${id}`)
    const fn = compileGenerator(generator, this.optionsFor(spec, column))
    const row: { index: number } & RowContext = {
      index: 0,
      count: this.#counts[table] ?? 0,
      counts: this.#counts,
      referenceMs: Date.parse(this.#scenario.referenceTime),
      random: noRandom(table, column),
      // The same seeds the parent's own rows were generated with (a uuid key is made from its column's).
      seed: this.#seedOf(table, column),
      seedOf: (t, c) => this.#seedOf(t, c),
      pool: (method, size) => this.#pools.get(method, size),
    }
    const at: KeyAt = (index) => {
      row.index = index
      return fn(row)
    }
    this.#cache.set(id, at)
    return at
  }

  #seedOf(table: string, column: string): number {
    return deriveSeed(this.#seed, this.#scenario.name, table, column)
  }

  /** How a column of `table` compiles: its `parent` generators read the referenced column's keys. */
  optionsFor(table: ScenarioTable, column: string): GeneratorOptions {
    return {
      table: table.name,
      parentKey: (spec) => this.keyAt(spec.table, spec.column ?? this.referencedColumn(table, column, spec)),
    }
  }

  /** The parent column a `parent` generator produces: the one its column is paired with in the FK. */
  referencedColumn(table: ScenarioTable, column: string, spec: { readonly table: string }): string {
    const byName = new Map(this.#scenario.tables.map((t) => [t.name, t]))
    for (const fk of table.foreignKeys ?? []) {
      const i = foreignKeyColumns(fk).indexOf(column)
      if (fk.references === spec.table && i >= 0) {
        const referenced = referencedColumnsOf(fk, byName)[i]
        if (referenced !== undefined) return referenced
      }
    }
    const parent = byName.get(spec.table)
    const key = parent ? primaryKeyOf(parent) : []
    if (key.length !== 1 || key[0] === undefined)
      throw new Error(
        `${table.name}.${column}: name the referenced column of ${spec.table} (generate.column)`,
      )
    return key[0]
  }
}

/**
 * The random stream a column draws from: its own, except for the columns of one composite FK, which
 * share a stream named for the FK so that a random parent is the same row for all of them.
 */
export function streamName(table: ScenarioTable, column: string): string {
  const fk = (table.foreignKeys ?? []).find(
    (f) => (f.columns?.length ?? 0) > 1 && f.columns?.includes(column),
  )
  return fk ? `fk:${foreignKeyColumns(fk).join(',')}` : column
}
