import { createHash } from 'node:crypto'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { RandomSource } from '../scenarios/scenario.js'

/** A 32-bit seed derived from the run's `--seed` and names, so each stream is independent and stable. */
export function deriveSeed(seed: number, ...names: readonly string[]): number {
  const digest = createHash('sha256')
    .update(`${seed}\u0000${names.join('\u0000')}`)
    .digest()
  return digest.readInt32LE(0)
}

/** A seeded random stream backed by pure-rand's xoroshiro128+. */
export function randomSource(seed: number, ...names: readonly string[]): RandomSource {
  const generator = xoroshiro128plus(deriveSeed(seed, ...names))
  return {
    int: (min, max) => uniformInt(generator, min, max),
    // 2^31 buckets are plenty for timestamps and weights.
    float: () => uniformInt(generator, 0, 0x7fffffff) / 0x80000000,
    pick: (values) => {
      if (values.length === 0) throw new Error('pick from an empty list')
      return values[uniformInt(generator, 0, values.length - 1)] as (typeof values)[number]
    },
  }
}
