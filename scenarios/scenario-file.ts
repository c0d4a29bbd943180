import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import type { CellValue } from '../core/table-spec.js'
import { DelbenchError } from '../core/errors.js'
import { importDefault } from '../core/load-module.js'
import { daysFrom } from './timestamps.js'
import type { Scenario, TargetSpec } from './scenario.js'
import { formatPath } from '../core/format-path.js'
import { jsonScenarioSchema, moduleScenarioSchema } from './scenario-schema.js'
import { scenarioProblems } from './validate-scenario.js'

/** A scenario file that cannot be used; the message names the file and the path of the bad field. */
export class ScenarioFileError extends DelbenchError {}

/** Loads and validates a user's scenario: JSON, or a JavaScript module exporting one as default. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const full = path.resolve(file)
  if (!fs.existsSync(full)) throw new ScenarioFileError(`scenario file ${file} does not exist`)
  let scenario: Scenario
  if (/\.json$/i.test(full)) {
    let data: unknown
    try {
      data = JSON.parse(fs.readFileSync(full, 'utf8'))
    } catch (error) {
      throw new ScenarioFileError(`scenario file ${file} is not valid JSON: ${(error as Error).message}`)
    }
    scenario = fromJson(parse(jsonScenarioSchema, data, file) as unknown as JsonScenario)
  } else if (/\.(m?js)$/i.test(full)) {
    const exported = await importDefault(full, `scenario module ${file}`, ScenarioFileError)
    scenario = parse(moduleScenarioSchema, exported, file) as unknown as Scenario
  } else {
    throw new ScenarioFileError(
      `scenario file ${file}: use .json, or a .js/.mjs module (compile TypeScript scenarios to JavaScript first)`,
    )
  }
  const problems = scenarioProblems(scenario)
  if (problems.length > 0) {
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
    throw new ScenarioFileError(`scenario file ${file}: ${problems[0]}${more}`)
  }
  return scenario
}

function parse<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue ? formatPath(issue.path) : ''
  throw new ScenarioFileError(
    `scenario file ${file}: ${where || '(top level)'}: ${issue?.message ?? 'invalid'}`,
  )
}

/** A target as JSON states it (the schema guarantees this shape). */
interface JsonTarget {
  readonly description: string
  readonly table: string
  readonly where: string
  readonly params?: readonly (CellValue | { readonly daysFromReference: number })[]
  readonly expectedRows?: number
}

type JsonScenario = Omit<Scenario, 'target' | 'variants'> & {
  readonly target: JsonTarget
  readonly variants?: Readonly<Record<string, JsonTarget>>
}

/** JSON targets carry literal parameters; timestamps relative to the reference time are resolved here. */
function fromJson(data: JsonScenario): Scenario {
  const target = (t: JsonTarget): TargetSpec => ({
    description: t.description,
    table: t.table,
    where: t.where,
    params: ({ referenceMs }) =>
      (t.params ?? []).map((p): CellValue =>
        p !== null && typeof p === 'object' ? daysFrom(referenceMs, p.daysFromReference) : p,
      ),
    ...(t.expectedRows === undefined ? {} : { expectedRows: () => t.expectedRows ?? 0 }),
  })
  const { variants, ...rest } = data
  return {
    ...rest,
    target: target(data.target),
    ...(variants
      ? { variants: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, target(v)])) }
      : {}),
  }
}
