import { base, en, Faker } from '@faker-js/faker'
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
      const faker = new Faker({ locale: [en, base] })
      faker.seed(deriveSeed(this.#seed, 'pool', method, String(size)))
      const make = fakerMethod(faker, method)
      pool = Array.from({ length: size }, () => String(make()))
      this.#pools.set(key, pool)
    }
    return pool
  }
}
