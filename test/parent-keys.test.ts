import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CellValue } from '../core/table-spec.js'
import { loadScenarioFile } from '../scenarios/scenario-file.js'
import { rowCounts } from '../scenarios/row-counts.js'
import type { Scenario } from '../scenarios/scenario.js'
import { rowBatches } from '../seeds/row-batches.js'
import { ValuePools } from '../seeds/value-pools.js'
import { faker } from '@faker-js/faker/locale/en'

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'keyed-shapes.json')

/** Every generated row of a table, as objects by column name. */
function rowsOf(scenario: Scenario, name: string, seed = 3): Record<string, CellValue>[] {
  const table = scenario.tables.find((t) => t.name === name)
  if (!table) throw new Error(`no table ${name}`)
  const ctx = { scenario, seed, counts: rowCounts(scenario, 1), pools: new ValuePools(seed, faker) }
  return [...rowBatches(table, ctx)]
    .flat()
    .map((values) => Object.fromEntries(table.columns.map((c, i) => [c.name, values[i] as CellValue])))
}

describe('parent keys computed from the parent row index', () => {
  it('builds a block tree: the first 20% are roots, row i ≥ R replies to row ⌊(i − R) / per⌋', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const posts = rowsOf(scenario, 'posts')
    expect(posts.filter((p) => p.parent_id === null)).toHaveLength(60)
    posts.forEach((post, i) => expect(post.parent_id).toBe(i < 60 ? null : Math.floor((i - 60) / 2) + 1))
    // Mean fan-out 2 among the rows that have children; depth: 60 roots, then 120, 120 rows below.
    const children = new Map<CellValue, number>()
    for (const { parent_id: parent } of posts)
      if (parent !== null && parent !== undefined) children.set(parent, (children.get(parent) ?? 0) + 1)
    expect([...children.values()].every((n) => n === 2)).toBe(true)
  })

  it('keys order_lines by (order, n-th line of it), and line_notes reference existing lines by both columns', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const orders = new Set(rowsOf(scenario, 'orders').map((o) => o.id))
    const lines = rowsOf(scenario, 'order_lines')
    const keys = lines.map((l) => `${l.order_id}/${l.line_no}`)
    expect(new Set(keys).size).toBe(lines.length)
    expect(lines.slice(0, 4).map((l) => [l.order_id, l.line_no])).toEqual([
      [1001, 1],
      [1001, 2],
      [1001, 3],
      [1002, 1],
    ])
    expect(lines.every((l) => orders.has(l.order_id))).toBe(true)
    // Drawn uniformly: both columns of the composite FK name the same random line.
    const notes = rowsOf(scenario, 'line_notes')
    expect(notes.every((n) => keys.includes(`${n.order_id}/${n.line_no}`))).toBe(true)
    expect(new Set(notes.map((n) => `${n.order_id}/${n.line_no}`)).size).toBeGreaterThan(lines.length / 2)
  })

  it('gives a uniform tree a random earlier parent for every non-root', async () => {
    const scenario = await loadScenarioFile(FIXTURE)
    const categories = rowsOf(scenario, 'categories')
    expect(categories.filter((c) => c.parent_id === null)).toHaveLength(6)
    categories.forEach((c) => {
      if (c.parent_id !== null) expect(c.parent_id).toBeLessThan(c.id as number)
    })
  })
})

describe('value pools', () => {
  it("a sample's pools are the first values of the full pools, and the full pools come out the same after it", () => {
    const full = new ValuePools(7, faker)
    const sampled = new ValuePools(7, faker).sample(10)
    const pool = full.get('lorem.sentence', 500)
    expect(pool).toHaveLength(500)
    expect(sampled.get('lorem.sentence', 500)).toEqual(pool.slice(0, 10))
    // A pool smaller than the sample's limit is whole.
    expect(sampled.get('person.lastName', 5)).toEqual(full.get('person.lastName', 5))
    // The shared faker was re-seeded by the sample: the full pools do not depend on what came before.
    expect(new ValuePools(7, faker).get('lorem.sentence', 500)).toEqual(pool)
  })
})
