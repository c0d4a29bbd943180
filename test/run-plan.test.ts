import { describe, expect, it } from 'vitest'
import { parseDatabaseSpec } from '../db/database-url.js'
import { planRuns, sweptOptions, type MatrixAxes } from '../runner/run-plan.js'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { library } from '../scenarios/builtins/library.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'

const strategy = (name: string, reads?: Strategy['reads']) => ({
  value: { name, description: name, ...(reads ? { reads } : {}), run: async () => {} },
  reference: name,
})

const database = (value: string) => ({ spec: parseDatabaseSpec(value), value })

const options = (batchSize: number): StrategyOptions => ({
  batchSize,
  sleepMs: 0,
  workers: 2,
  chunkTimeMs: 500,
})

/**
 * 2 databases × 2 scenarios × 1 knob set × (a: reads no option, 1 run; b: reads the batch size, 2
 * runs; c: may read any, 2 runs) = 4 seeds of 5 runs, numbered 0 to 19.
 */
const axes: MatrixAxes = {
  databases: [database('sqlite:/tmp/one'), database('sqlite:/tmp/two')],
  scenarios: [
    { value: bookstore, reference: 'bookstore' },
    { value: library, reference: 'library' },
  ],
  knobs: [{}],
  strategies: [strategy('a', []), strategy('b', ['batchSize']), strategy('c')],
  options: [options(100), options(1000)],
}

/** Each database's seeds as `scenario: run numbers (strategy batch size)`. */
const shape = (plan: ReturnType<typeof planRuns>) =>
  plan.map(({ database, seeds }) => [
    database.value,
    seeds.map(
      ({ scenario, runs }) =>
        `${scenario.reference}: ${runs.map((r) => `${r.number}${r.strategy.reference}${r.options.batchSize}`).join(' ')}`,
    ),
  ])

describe('planning the matrix’s runs', () => {
  it('numbers every run in database, scenario, knobs, strategy, options order; options only where read', () => {
    expect(shape(planRuns(axes))).toEqual([
      [
        'sqlite:/tmp/one',
        ['bookstore: 0a100 1b100 2b1000 3c100 4c1000', 'library: 5a100 6b100 7b1000 8c100 9c1000'],
      ],
      [
        'sqlite:/tmp/two',
        ['bookstore: 10a100 11b100 12b1000 13c100 14c1000', 'library: 15a100 16b100 17b1000 18c100 19c1000'],
      ],
    ])
  })

  it('gives a shard the runs whose number is its index modulo the count, seeding only where it has runs', () => {
    // --shard 3/7: runs 2, 9 and 16; nothing on the second database's bookstore (runs 10 to 14).
    expect(shape(planRuns({ ...axes, shard: { index: 2, count: 7 } }))).toEqual([
      ['sqlite:/tmp/one', ['bookstore: 2b1000', 'library: 9c1000']],
      ['sqlite:/tmp/two', ['library: 16b100']],
    ])
    // A database the shard has no run on is still listed (its results describe every database).
    expect(shape(planRuns({ ...axes, shard: { index: 3, count: 25 } }))).toEqual([
      ['sqlite:/tmp/one', ['bookstore: 3c100']],
      ['sqlite:/tmp/two', []],
    ])
  })

  it('splits the matrix into shards that are disjoint and together the whole', () => {
    const numbers = (shard?: { index: number; count: number }) =>
      planRuns({ ...axes, ...(shard ? { shard } : {}) }).flatMap((d) =>
        d.seeds.flatMap((s) => s.runs.map((r) => r.number)),
      )
    const shards = [0, 1, 2].map((index) => numbers({ index, count: 3 }))
    expect(shards.flat().sort((a, b) => a - b)).toEqual(numbers())
    expect(shards.map((s) => s.length)).toEqual([7, 7, 6])
  })

  it('names as swept the options and knobs that take more than one value', () => {
    expect([...sweptOptions(axes)]).toEqual(['batchSize'])
    expect([...sweptOptions({ options: [options(1000)], knobs: [{}] })]).toEqual([])
    expect([...sweptOptions({ options: [options(1000)], knobs: [{ partitions: 'month' }] })]).toEqual([
      'partitions',
    ])
    expect([
      ...sweptOptions({ options: [options(1000)], knobs: [{ fkIndex: true }, { fkIndex: false }] }),
    ]).toEqual(['fkAction', 'fkIndex', 'indexes', 'partitions'])
  })
})
