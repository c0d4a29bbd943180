import type { Scenario } from './scenario.js'

/**
 * Rows per table at a scale: absolute counts are multiplied by the scale (at least one row), `per`
 * counts follow their parent table's count. A `per` chain that loops or names an unknown table throws.
 */
export function rowCounts(scenario: Scenario, scale: number): Record<string, number> {
  const counts: Record<string, number> = {}
  const byName = new Map(scenario.tables.map((t) => [t.name, t]))
  const resolve = (name: string, seen: readonly string[]): number => {
    const known = counts[name]
    if (known !== undefined) return known
    const table = byName.get(name)
    if (!table) throw new Error(`row count refers to unknown table '${name}'`)
    if (seen.includes(name))
      throw new Error(`row counts of ${[...seen, name].join(' → ')} refer to each other`)
    const spec = table.rows
    const count =
      typeof spec === 'number'
        ? Math.max(1, Math.round(spec * scale))
        : Math.round(spec.per * resolve(spec.of, [...seen, name]))
    counts[name] = count
    return count
  }
  for (const table of scenario.tables) resolve(table.name, [])
  return counts
}
