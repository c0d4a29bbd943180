export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)

/**
 * The q-quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan's
 * type 7, the default of R and NumPy).
 */
function quantileOfSorted(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const lower = sorted[low] as number
  return lower + ((sorted[Math.min(low + 1, sorted.length - 1)] as number) - lower) * (at - low)
}

/** Below this many samples quartiles say nothing, and no sample is set aside. */
const FEWEST_FOR_OUTLIERS = 5

/**
 * The samples split at Tukey's upper fence (Q3 + 1.5 × IQR), as BenchmarkDotNet does by default
 * (`OutlierMode.RemoveUpper`): now and then a GC pause, a checkpoint or the scheduler lengthens one
 * iteration; that describes the machine, not the strategy, and a single one can triple a margin of
 * error. Only the upper side: a deletion cannot run faster than its work by accident. `kept` keeps
 * the samples' order.
 */
export function setAsideUpperOutliers(values: readonly number[]): {
  kept: number[]
  outliers: number[]
} {
  if (values.length < FEWEST_FOR_OUTLIERS) return { kept: [...values], outliers: [] }
  const sorted = [...values].sort((a, b) => a - b)
  const q1 = quantileOfSorted(sorted, 0.25)
  const q3 = quantileOfSorted(sorted, 0.75)
  const fence = q3 + 1.5 * (q3 - q1)
  return { kept: values.filter((v) => v <= fence), outliers: values.filter((v) => v > fence) }
}

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
    studentQuantile(level, values.length - 1) * (standardDeviation(values) / Math.sqrt(values.length))
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

/**
 * P(|T| ≤ t) for Student's t with `df` (a positive integer) degrees of freedom, by the closed forms for
 * integer degrees of freedom (Abramowitz & Stegun 26.7.3–4) in θ = atan(t/√df): a finite sum of powers
 * of cos²θ, exact to rounding.
 */
function studentCentralProbability(theta: number, df: number): number {
  const c2 = Math.cos(theta) ** 2
  if (df % 2 === 1) {
    // Odd: (2/π)(θ + sinθ·cosθ·(1 + 2/3·c² + 2·4/(3·5)·c⁴ + … up to c^(df−3))).
    let term = 1
    let sum = df > 1 ? 1 : 0
    for (let k = 1; 2 * k + 1 <= df - 1; k++) {
      term *= ((2 * k) / (2 * k + 1)) * c2
      sum += term
    }
    return (2 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta) * sum)
  }
  // Even: sinθ·(1 + 1/2·c² + 1·3/(2·4)·c⁴ + … up to c^(df−2)).
  let term = 1
  let sum = 1
  for (let k = 1; 2 * k <= df - 2; k++) {
    term *= ((2 * k - 1) / (2 * k)) * c2
    sum += term
  }
  return Math.sin(theta) * sum
}

/**
 * The two-sided quantile of Student's t: the t with P(|T| ≤ t) = level, for integer degrees of freedom
 * (a sample's n − 1). The probability rises with θ on [0, π/2), so bisection on θ finds it; 100 halvings
 * reach the precision of a double. Written here rather than imported: the statistics library it replaces
 * took ~0.15 s to load in every run's process.
 */
export function studentQuantile(level: number, df: number): number {
  let low = 0
  let high = Math.PI / 2
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2
    if (studentCentralProbability(mid, df) < level) low = mid
    else high = mid
  }
  return Math.sqrt(df) * Math.tan((low + high) / 2)
}
