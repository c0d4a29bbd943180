import type { Faker } from '@faker-js/faker'
import type { Generator, Scenario } from './scenario.js'

let loading: Promise<Faker> | undefined

/**
 * Faker with its English data, loaded on first use: ~50 ms of a command's start that a scenario without
 * faker values (pgbench's tables, most imported schemas) need not pay. The English locale's own entry
 * point: the package's index loads all ~60 locales (~0.4 s).
 */
export function loadFaker(): Promise<Faker> {
  loading ??= import('@faker-js/faker/locale/en').then((m) => m.faker)
  return loading
}

/** Whether a generator asks for faker values, or may (a function can call `row.pool`). */
function mayUseFaker(generator: Generator): boolean {
  if (typeof generator === 'function') return true
  if (generator.kind === 'faker') return true
  return generator.kind === 'json' && Object.values(generator.fields).some(mayUseFaker)
}

/** Faker, where a scenario's generators name faker methods or may ask for pools; else undefined. */
export async function fakerFor(scenario: Pick<Scenario, 'tables'>): Promise<Faker | undefined> {
  const needed = scenario.tables.some((t) => t.columns.some((c) => mayUseFaker(c.generate)))
  return needed ? loadFaker() : undefined
}

/**
 * Whether a parsed JSON document names a faker generator anywhere (`"kind": "faker"`), before it is
 * validated: walked with a list, not recursion, as a document may nest deeper than the stack.
 */
export function mentionsFaker(data: unknown): boolean {
  const pending: unknown[] = [data]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value !== 'object' || value === null) continue
    if (!Array.isArray(value) && (value as { kind?: unknown }).kind === 'faker') return true
    for (const inner of Object.values(value)) pending.push(inner)
  }
  return false
}

/** Resolves `module.method` (e.g. `person.fullName`) on a faker instance, or says what is wrong. */
export function fakerMethod(faker: Faker, method: string): () => unknown {
  const [moduleName, fnName, ...rest] = method.split('.')
  const module =
    moduleName === undefined ? undefined : (faker as unknown as Record<string, unknown>)[moduleName]
  const fn =
    fnName === undefined || typeof module !== 'object' || module === null
      ? undefined
      : (module as Record<string, unknown>)[fnName]
  if (rest.length > 0 || typeof fn !== 'function') {
    throw new Error(
      `'${method}' is not a faker method (write module.method, e.g. person.fullName or lorem.sentence)`,
    )
  }
  return () => (fn as () => unknown).call(module)
}

/** Whether `method` names a faker method, for validating scenario files. */
export function isFakerMethod(faker: Faker, method: string): boolean {
  try {
    fakerMethod(faker, method)
    return true
  } catch {
    return false
  }
}
