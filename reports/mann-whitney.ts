/**
 * The Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the same distribution? It
 * needs no normality, which benchmark times rarely have (a slow outlier is common), and it is exact
 * for the small sample counts a benchmark has.
 */
export interface MannWhitneyResult {
  /** U of the first sample: the number of (x, y) pairs with x > y, ties counting one half. */
  readonly u: number
  /** Two-sided p-value. */
  readonly p: number
  readonly method: 'exact' | 'normal approximation'
  /** The smallest two-sided p any outcome could give with these sample counts (exact, no ties). */
  readonly smallestP: number
}

/** Ranks of the pooled values, ties given their average rank; and the tie-group sizes. */
function ranks(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const result = new Array<number>(values.length)
  const ties: number[] = []
  for (let i = 0; i < order.length;) {
    let j = i
    while (
      j + 1 < order.length &&
      (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]
    )
      j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) result[(order[k] as readonly [number, number])[1]] = rank
    if (j > i) ties.push(j - i + 1)
    i = j + 1
  }
  return { ranks: result, ties }
}

/**
 * The exact null distribution of U for samples of n and m: counts[u] is the number of the C(n+m, n)
 * equally likely orderings giving U = u (the recurrence of Mann and Whitney, 1947).
 */
function uCounts(n: number, m: number): number[] {
  // table[i][j] = distribution for samples of i and j.
  let previous: number[][] = Array.from({ length: m + 1 }, () => [1])
  for (let i = 1; i <= n; i++) {
    const current: number[][] = [[1]]
    for (let j = 1; j <= m; j++) {
      const size = i * j + 1
      const counts = new Array<number>(size).fill(0)
      // The largest value is in the first sample (U grows by j) or in the second (U unchanged).
      const withFirst = previous[j] as number[]
      const withSecond = current[j - 1] as number[]
      withFirst.forEach((c, u) => (counts[u + j] = (counts[u + j] as number) + c))
      withSecond.forEach((c, u) => (counts[u] = (counts[u] as number) + c))
      current.push(counts)
    }
    previous = current
  }
  return previous[m] as number[]
}

/** Standard normal upper tail, P(Z > z), by the complementary error function (Abramowitz–Stegun 7.1.26). */
function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x)
  return z >= 0 ? erfc / 2 : 1 - erfc / 2
}

/** Samples up to this size (each) get the exact distribution when there are no ties. */
const EXACT_LIMIT = 50

/**
 * Two-sided Mann-Whitney U test of samples x and y: exact where there are no ties and the samples are
 * small, else (or when asked) the normal approximation.
 */
export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  method: 'auto' | 'normal approximation' = 'auto',
): MannWhitneyResult {
  const n = x.length
  const m = y.length
  if (n === 0 || m === 0) return { u: 0, p: 1, method: 'exact', smallestP: 1 }
  const { ranks: r, ties } = ranks([...x, ...y])
  const rankSum = r.slice(0, n).reduce((a, b) => a + b, 0)
  const u = rankSum - (n * (n + 1)) / 2
  const total = binomial(n + m, n)
  const smallestP = Math.min(1, 2 / total)
  if (method === 'auto' && ties.length === 0 && n <= EXACT_LIMIT && m <= EXACT_LIMIT) {
    const counts = uCounts(n, m)
    const below = counts.slice(0, Math.floor(u) + 1).reduce((a, b) => a + b, 0)
    const above = counts.slice(Math.ceil(u)).reduce((a, b) => a + b, 0)
    return { u, p: Math.min(1, (2 * Math.min(below, above)) / total), method: 'exact', smallestP }
  }
  // Normal approximation with the tie correction of the variance and a continuity correction.
  const mean = (n * m) / 2
  const tieTerm = ties.reduce((a, t) => a + (t ** 3 - t), 0) / ((n + m) * (n + m - 1))
  const variance = ((n * m) / 12) * (n + m + 1 - tieTerm)
  if (variance <= 0) return { u, p: 1, method: 'normal approximation', smallestP }
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance)
  return { u, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal approximation', smallestP }
}

function binomial(n: number, k: number): number {
  let result = 1
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i
  return Math.round(result)
}
