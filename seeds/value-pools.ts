// The English locale's own entry point: the package's index loads all ~60 locales (~0.4 s per process).
import { faker } from '@faker-js/faker/locale/en'
import { deriveSeed } from './random.js'
import { fakerMethod } from '../scenarios/faker-methods.js'

/** Pool size when a scenario does not name one: enough variety, built in a few milliseconds. */
export const DEFAULT_POOL_SIZE = 1000

/**
 * Pools of faker-made values, built once per method and size from a seeded faker and then sampled by
 * the row generators: a faker call per row was ~300× slower when measured.
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
      // One shared instance, re-seeded for each pool: its output depends on the seed alone, and a pool
      // is built in one synchronous stretch, so no other pool's calls interleave.
      faker.seed(deriveSeed(this.#seed, 'pool', method, String(size)))
      const make = fakerMethod(faker, method)
      pool = Array.from({ length: size }, () => String(make()))
      this.#pools.set(key, pool)
    }
    return pool
  }
}
