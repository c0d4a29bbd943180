import { Option, type Command } from 'commander'
import { DelbenchError } from '../db/errors.js'
import { builtinScenarios, resolveScenario } from '../scenarios/registry.js'
import type { Scenario } from '../scenarios/scenario.js'
import type { SchemaKnobs } from '../seeds/scenario-tables.js'

export interface ScenarioFlags {
  readonly scenario?: string[]
  readonly scale?: string
  readonly seed?: string
  readonly fkAction?: 'cascade' | 'restrict'
  readonly fkIndex?: 'on' | 'off'
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
    .addOption(
      new Option('--fk-action <action>', 'override the ON DELETE action of every foreign key').choices([
        'cascade',
        'restrict',
      ]),
    )
    .addOption(new Option('--fk-index <on|off>', 'index foreign-key columns or not').choices(['on', 'off']))
}

export async function scenarioSelection(
  flags: ScenarioFlags,
): Promise<{ scenarios: Scenario[]; scale: number; seed: number; knobs: SchemaKnobs }> {
  const scale = Number(flags.scale)
  if (!Number.isFinite(scale) || scale <= 0)
    throw new DelbenchError(`--scale must be a positive number, not '${flags.scale}'`)
  if (scale > MAX_SCALE)
    throw new DelbenchError(`--scale ${flags.scale} is above ${MAX_SCALE}: that is billions of rows`)
  const seed = Number(flags.seed)
  if (!Number.isSafeInteger(seed)) throw new DelbenchError(`--seed must be an integer, not '${flags.seed}'`)
  const scenarios = flags.scenario?.length
    ? await Promise.all(flags.scenario.map(resolveScenario))
    : [...builtinScenarios()]
  const knobs: SchemaKnobs = {
    ...(flags.fkAction ? { fkAction: flags.fkAction } : {}),
    ...(flags.fkIndex ? { fkIndex: flags.fkIndex === 'on' } : {}),
  }
  return { scenarios, scale, seed, knobs }
}
