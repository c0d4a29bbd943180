import { stockServers } from '../db/stock-servers.js'
import { planDeletion } from '../scenarios/deletion-plan.js'
import type { Scenario } from '../scenarios/scenario.js'
import { scenarioTables, type SchemaKnobs } from '../scenarios/scenario-tables.js'
import type { Strategy } from './strategy.js'

/** A strategy that cannot run on some scenarios and databases, and why. */
export interface UnsupportedCase {
  readonly strategy: string
  /** The scenarios, with the knob that matters (`error-log --partitions month`). */
  readonly scenarios: readonly string[]
  readonly databases: readonly string[]
  readonly reason: string
}

/**
 * Every strategy × scenario × database kind a strategy declares unsupported, with the layouts a
 * scenario can be seeded in (as declared, and partitioned by month where it has a partition column).
 */
export function unsupportedCases(
  strategies: readonly Strategy[],
  scenarios: readonly Scenario[],
): UnsupportedCase[] {
  // Per strategy and reason: the scenarios and databases it names.
  const cases = new Map<string, { strategy: string; reason: string; pairs: [string, string][] }>()
  // `delbench list` asks no server: the strategies' checks see stock servers' capabilities.
  const stock = stockServers()
  for (const scenario of scenarios) {
    const layouts: { label: string; knobs: SchemaKnobs }[] = [
      { label: scenario.name, knobs: {} },
      ...(scenario.tables.some((t) => t.partitioning)
        ? [{ label: `${scenario.name} --partitions month`, knobs: { partitions: 'month' as const } }]
        : []),
    ]
    for (const layout of layouts) {
      const tables = scenarioTables(scenario, layout.knobs)
      const plan = planDeletion(tables, scenario.target.table)
      for (const strategy of strategies) {
        for (const server of stock) {
          if (server.dialect.schema.partitioningRefused(tables)) continue
          const reason = strategy.unsupported?.(server.dialect, server.capabilities, plan, {
            scenario,
            tables,
          })
          if (!reason) continue
          const key = JSON.stringify([strategy.name, reason])
          const seen = cases.get(key) ?? { strategy: strategy.name, reason, pairs: [] }
          seen.pairs.push([layout.label, server.label])
          cases.set(key, seen)
        }
      }
    }
  }
  return [...cases.values()].map(({ strategy, reason, pairs }) => ({
    strategy,
    scenarios: [...new Set(pairs.map(([s]) => s))],
    databases: [...new Set(pairs.map(([, d]) => d))],
    reason,
  }))
}
