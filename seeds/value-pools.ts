import { base, en, Faker } from '@faker-js/faker'
import { deriveSeed } from './random.js'

/** Pool size when a scenario does not name one: enough variety, built in a few milliseconds. */
export const DEFAULT_POOL_SIZE = 1000

/**
 * Pools of faker-made values, built once per method and size from a seeded faker and then sampled by
 * the row generators: a faker call per row would be ~300× slower (see NOTES).
 */
export class ValuePools {
  readonly #seed: number
  readonly #pools = new Map<string, readonly string[]>()

  constructor(seed: number) {
    this.#seed = seed
  }

  get(method: string, size = DEFAULT_POOL_SIZE): readonly string[] {
    const key = `${method}#${size}`
    let pool = this.#pools.get(key)
    if (!pool) {
      const faker = new Faker({ locale: [en, base] })
      faker.seed(deriveSeed(this.#seed, 'pool', method, String(size)))
      const make = fakerMethod(faker, method)
      pool = Array.from({ length: size }, () => String(make()))
      this.#pools.set(key, pool)
    }
    return pool
  }
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
export function isFakerMethod(method: string): boolean {
  try {
    fakerMethod(new Faker({ locale: [en, base] }), method)
    return true
  } catch {
    return false
  }
}
