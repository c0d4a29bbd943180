import type { Faker } from '@faker-js/faker'
import { deriveSeed } from './random.js'
import { fakerFor, fakerMethod } from '../scenarios/faker-methods.js'
import type { Scenario } from '../scenarios/scenario.js'

/** Pool size when a scenario does not name one: enough variety, built in a few milliseconds. */
export const DEFAULT_POOL_SIZE = 1000

/**
 * Pools of faker-made values, built once per method and size from a seeded faker and then sampled by
 * the row generators: a faker call per row was ~300× slower when measured.
 */
export class ValuePools {
  readonly #seed: number
  readonly #faker: Faker | undefined
  readonly #limit: number
  readonly #pools = new Map<string, readonly string[]>()

  /**
   * `faker`: loaded where the scenario's generators may ask for pools (`valuePools` sees to it).
   * `limit`: at most this many values per pool (see `sample`).
   */
  constructor(seed: number, faker: Faker | undefined, limit = Infinity) {
    this.#seed = seed
    this.#faker = faker
    this.#limit = limit
  }

  /**
   * Pools of at most `limit` values each, the first values of the full pools (the same seeds): what an
   * estimate from sample rows needs, without making every pool before the first row is sent (faker's
   * calls for job-history's pools take ~0.2 s; the full pools are made when their tables load).
   */
  sample(limit: number): ValuePools {
    return new ValuePools(this.#seed, this.#faker, limit)
  }

  get(method: string, size = DEFAULT_POOL_SIZE): readonly string[] {
    const key = `${method}#${size}`
    let pool = this.#pools.get(key)
    if (!pool) {
      const faker = this.#faker
      if (!faker) throw new Error(`a pool of ${method} was asked for, and faker was not loaded`)
      // One shared instance, re-seeded for each pool: its output depends on the seed alone, and a pool
      // is built in one synchronous stretch, so no other pool's calls interleave.
      faker.seed(deriveSeed(this.#seed, 'pool', method, String(size)))
      const make = fakerMethod(faker, method)
      pool = Array.from({ length: Math.min(size, this.#limit) }, () => String(make()))
      this.#pools.set(key, pool)
    }
    return pool
  }
}

/** The value pools for generating a scenario's rows, with faker loaded only where they may be asked for. */
export async function valuePools(scenario: Pick<Scenario, 'tables'>, seed: number): Promise<ValuePools> {
  return new ValuePools(seed, await fakerFor(scenario))
}
