import fs from 'node:fs'
import path from 'node:path'
import type { Faker } from '@faker-js/faker'
import type { z } from 'zod'
import type { CellValue } from '../core/table-spec.js'
import { DelbenchError, oneLine } from '../core/errors.js'
import { importDefault } from '../core/load-module.js'
import { daysFrom } from './timestamps.js'
import type { Scenario, TargetSpec } from './scenario.js'
import { formatPath } from '../core/format-path.js'
import { jsonScenarioSchema, moduleScenarioSchema } from './scenario-schema.js'
import { scenarioProblems } from './validate-scenario.js'
import { fakerFor, loadFaker, mentionsFaker } from './faker-methods.js'

/** A scenario file that cannot be used; the message names the file and the path of the bad field. */
export class ScenarioFileError extends DelbenchError {}

export interface LoadOptions {
  /**
   * Accept a file with no target yet (`delbench import` without --target) for seeding alone: it gets a
   * target that selects nothing. Everything that deletes refuses such a file.
   */
  readonly withoutTarget?: boolean
}

/** Loads and validates a user's scenario: JSON, or a JavaScript module exporting one as default. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<Scenario> {
  const full = path.resolve(file)
  if (!fs.existsSync(full)) throw new ScenarioFileError(`scenario file ${file} does not exist`)
  if (/\.json$/i.test(full)) {
    let data: unknown
    try {
      data = JSON.parse(fs.readFileSync(full, 'utf8'))
    } catch (error) {
      throw new ScenarioFileError(
        `scenario file ${file} is not valid JSON: ${oneLine((error as Error).message)}`,
      )
    }
    return scenarioFromJson(data, file, {
      ...options,
      faker: mentionsFaker(data) ? await loadFaker() : undefined,
    })
  }
  if (!/\.(m?js)$/i.test(full))
    throw new ScenarioFileError(
      `scenario file ${file}: use .json, or a .js/.mjs module (compile TypeScript scenarios to JavaScript first)`,
    )
  const exported = await importDefault(full, `scenario module ${file}`, ScenarioFileError)
  const parsed = parse(moduleScenarioSchema, exported, file) as unknown as Omit<Scenario, 'target'> & {
    target: TargetSpec | null
  }
  return checked(
    { ...parsed, target: parsed.target ?? noTarget(parsed, file, options) },
    file,
    await fakerFor(parsed),
  )
}

/**
 * A scenario from parsed JSON, validated as a file's would be (`file` names it in messages): how
 * `delbench import` proves a scenario it is about to write is one `run` accepts.
 */
export function scenarioFromJson(
  data: unknown,
  file: string,
  /** `faker`: loaded where the document names faker generators (`mentionsFaker`), to check their methods. */
  options: LoadOptions & { readonly faker?: Faker | undefined } = {},
): Scenario {
  const json = parse(jsonScenarioSchema, data, file) as unknown as JsonScenario
  return checked(
    fromJson({ ...json, target: json.target ?? noTarget(json, file, options) }),
    file,
    options.faker,
  )
}

function checked(scenario: Scenario, file: string, faker: Faker | undefined): Scenario {
  const problems = scenarioProblems(scenario, faker)
  if (problems.length > 0) {
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
    throw new ScenarioFileError(`scenario file ${file}: ${problems[0]}${more}`)
  }
  return scenario
}

/** The target of a file that has none: refused, or (seeding alone) one that selects nothing. */
function noTarget(
  scenario: Pick<Scenario, 'tables'>,
  file: string,
  options: LoadOptions,
): Pick<TargetSpec, 'description' | 'table' | 'where'> {
  if (!options.withoutTarget)
    throw new ScenarioFileError(
      `scenario file ${file} has no target yet: set "target" to {"description", "table", "where"}, or import again with --target TABLE --where SQL`,
    )
  return { description: 'no target (seeding only)', table: scenario.tables[0]?.name ?? '', where: '1 = 0' }
}

/** Deeper than any scenario nests (a json generator's fields in a json generator ...). */
const MAX_DEPTH = 64

/**
 * The path at which `data` nests deeper than `max` levels, or undefined. Iterative, so neither a
 * document nested 20,000 deep nor a module's self-referencing export can overflow the stack here; the
 * schema's recursive parse (which would) only ever sees shallow data.
 */
function tooDeep(data: unknown, max: number): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }]
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] }
    if (value === null || typeof value !== 'object') continue
    if (path.length >= max) return path
    for (const [key, child] of Object.entries(value))
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] })
  }
  return undefined
}

function parse<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const deep = tooDeep(data, MAX_DEPTH)
  if (deep)
    throw new ScenarioFileError(
      `scenario file ${file}: ${formatPath(deep.slice(0, 6))}…: nested more than ${MAX_DEPTH} levels deep`,
    )
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
