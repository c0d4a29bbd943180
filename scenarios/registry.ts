import { DelbenchError } from '../core/errors.js'
import { BUILTIN_SCENARIOS } from './builtins/index.js'
import type { Scenario } from './scenario.js'
import type { LoadOptions } from './scenario-file.js'

/** The label a scenario is shown under: its name, and its variant if one was chosen. */
export function scenarioLabel(scenario: Scenario): string {
  return scenario.variant ? `${scenario.name}:${scenario.variant}` : scenario.name
}

/**
 * Resolves a `--scenario` value: a built-in name, `NAME:VARIANT` for one of its named targets, or the
 * path of a scenario file (`.json`, or a `.js`/`.mjs` module whose default export is a scenario).
 */
export async function resolveScenario(reference: string, options: LoadOptions = {}): Promise<Scenario> {
  // The file reader (zod, faker for generator names) is loaded only for a file.
  if (/[/\\]|\.(json|m?js|ts)$/i.test(reference))
    return (await import('./scenario-file.js')).loadScenarioFile(reference, options)
  const [name, variant, ...rest] = reference.split(':')
  const scenario = BUILTIN_SCENARIOS.find((s) => s.name === name)
  if (!scenario || rest.length > 0) {
    throw new DelbenchError(
      `unknown scenario '${reference}': choose one of ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')}, NAME:VARIANT, or a scenario file path`,
    )
  }
  if (variant === undefined) return scenario
  const target = scenario.variants?.[variant]
  if (!target) {
    const known = Object.keys(scenario.variants ?? {})
    throw new DelbenchError(
      `scenario '${name}' has no variant '${variant}'${known.length ? `: choose ${known.join(', ')}` : ': it has none'}`,
    )
  }
  return { ...scenario, target, variant }
}

/** Every built-in scenario: what `--scenario` defaults to. */
export function builtinScenarios(): readonly Scenario[] {
  return BUILTIN_SCENARIOS
}
