import type { Command } from 'commander'
import { DelbenchError } from '../core/errors.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { SchemaKnobs } from '../scenarios/scenario-tables.js'

export interface ScenarioFlags {
  readonly scenario?: string[]
  readonly scale?: string
  readonly seed?: string
  readonly fkAction?: string
  readonly fkIndex?: string
  readonly indexes?: string
  readonly partitions?: string
  readonly skipDiskCheck?: boolean
}

const collect = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value.split(',').filter(Boolean),
]

/** The largest scale delbench accepts without question: scale 1000 of error-log is 3 billion rows. */
export const MAX_SCALE = 1000

export function addScenarioOptions(command: Command, defaultScale: string): Command {
  return command
    .option(
      '--scenario <name|file>',
      'scenario: a built-in name, NAME:VARIANT, or a .json/.js file; comma list or repeatable (default: all built-ins)',
      collect,
    )
    .option('--scale <factor>', 'multiply every row count by this factor', defaultScale)
    .option(
      '--seed <integer>',
      'seed of the data generator: the same seed gives the same rows on every database',
      '42',
    )
    .option(
      '--fk-action <list>',
      'ON DELETE action of every foreign key: cascade, restrict, or cascade,restrict to sweep',
    )
    .option('--fk-index <list>', 'index foreign-key columns or not: on, off, or on,off to sweep')
    .option(
      '--indexes <list>',
      "the scenario's own secondary indexes (error-log's created_at): on, off, or on,off to sweep",
    )
    .option(
      '--skip-disk-check',
      'seed even when the estimate of the space needed (the seed and one working copy) is above the space free',
    )
    .option(
      '--partitions <list>',
      'range-partition tables that declare a partition column (error-log) by month: off, month, or off,month to sweep',
    )
}

/** A comma list of allowed words, or one line saying what is allowed. */
function listOf<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
): (T | undefined)[] {
  if (value === undefined) return [undefined]
  const items = value.split(',').map((v) => v.trim())
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new DelbenchError(
        `${flag} takes ${allowed.join(' or ')} (or a comma list to sweep), not '${item}'`,
      )
    }
  }
  return [...new Set(items)] as T[]
}

/** The scenarios, scale, seed and schema knob sets (one per sweep value) chosen on the command line. */
export async function scenarioSelection(
  flags: ScenarioFlags,
  /** Seeding alone accepts a scenario file whose target is not chosen yet. */
  options: { readonly withoutTarget?: boolean } = {},
): Promise<{
  scenarios: Scenario[]
  references: string[]
  scale: number
  seed: number
  knobs: SchemaKnobs[]
  /** Whether seeding refuses a scale whose estimate is above the free space (`--skip-disk-check` off). */
  diskCheck: boolean
}> {
  const scale = Number(flags.scale)
  if (!Number.isFinite(scale) || scale <= 0)
    throw new DelbenchError(`--scale must be a positive number, not '${flags.scale}'`)
  if (scale > MAX_SCALE)
    throw new DelbenchError(`--scale ${flags.scale} is above ${MAX_SCALE}: that is billions of rows`)
  const seed = Number(flags.seed)
  if (!Number.isSafeInteger(seed)) throw new DelbenchError(`--seed must be an integer, not '${flags.seed}'`)
  const { builtinScenarios, resolveScenario } = await import('../scenarios/registry.js')
  const references = flags.scenario?.length ? flags.scenario : builtinScenarios().map((s) => s.name)
  const scenarios = await Promise.all(references.map((r) => resolveScenario(r, options)))
  const knobs: SchemaKnobs[] = []
  for (const fkAction of listOf(flags.fkAction, '--fk-action', ['cascade', 'restrict'] as const)) {
    for (const fkIndex of listOf(flags.fkIndex, '--fk-index', ['on', 'off'] as const)) {
      for (const indexes of listOf(flags.indexes, '--indexes', ['on', 'off'] as const)) {
        for (const partitions of listOf(flags.partitions, '--partitions', ['off', 'month'] as const)) {
          knobs.push({
            ...(fkAction ? { fkAction } : {}),
            ...(fkIndex ? { fkIndex: fkIndex === 'on' } : {}),
            ...(indexes ? { indexes: indexes === 'on' } : {}),
            ...(partitions ? { partitions } : {}),
          })
        }
      }
    }
  }
  if (knobs.some((k) => k.partitions === 'month')) {
    const whole = scenarios.find((s) => !s.tables.some((t) => t.partitioning))
    if (whole)
      throw new DelbenchError(
        `--partitions month: scenario ${whole.name} declares no partition column (error-log does); run it separately`,
      )
  }
  return { scenarios, references, scale, seed, knobs, diskCheck: !flags.skipDiskCheck }
}
