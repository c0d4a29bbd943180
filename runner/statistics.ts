import tQuantile from '@stdlib/stats-base-dists-t-quantile'

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)

/** Sample standard deviation (n − 1). */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0
  const m = mean(values)
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1))
}

/**
 * Two-sided Student's t confidence interval of the mean. With the 3 to 30 samples a benchmark has, the
 * normal approximation would claim intervals far too narrow (t at 4 degrees of freedom is 2.78, not 1.96).
 */
export function meanInterval(
  values: readonly number[],
  level = 0.95,
): { mean: number; low: number; high: number } {
  const m = mean(values)
  if (values.length < 2) return { mean: m, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY }
  const half =
    tQuantile(1 - (1 - level) / 2, values.length - 1) * (standardDeviation(values) / Math.sqrt(values.length))
  return { mean: m, low: m - half, high: m + half }
}

/**
 * The ratio of paired samples a/b as a geometric mean with its confidence interval: the mean and
 * interval are taken on log ratios, where "10% slower" and "10% faster" are symmetric.
 */
export function pairedRatio(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): { ratio: number; low: number; high: number } {
  const logs = a.map((x, i) => Math.log(x / (b[i] as number)))
  const { mean: m, low, high } = meanInterval(logs, level)
  return { ratio: Math.exp(m), low: Math.exp(low), high: Math.exp(high) }
}
