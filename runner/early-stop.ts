/** Rows deleted over one iteration's own time: [milliseconds since the iteration started, rows] pairs. */
export type ProgressPoints = readonly (readonly [number, number])[]

/**
 * A first iteration is stopped as hopeless once its projection is this many times the run's budget.
 * Projections from a settled rate land within 1.5× of the real time (a test holds them to it), so
 * beyond 1.5 budgets the iteration cannot finish in time: waiting for the budget only to say so again
 * would spend it on nothing.
 */
const HOPELESS_FACTOR = 1.5
/** The share of the budget an iteration must have run before its rate is trusted. */
const MIN_BUDGET_SHARE = 0.1
/** Progress reports needed before the rate is trusted (one every 200 ms at most). */
const MIN_POINTS = 5
/** How far the recent rate may stray from the iteration's whole rate for the rate to count as stable. */
const STABLE_WITHIN = 0.25

/** The time one whole iteration would take at its own rate so far, or undefined with no rows yet. */
export function projectIteration(
  rows: number,
  elapsedMs: number,
  rowsExpected: number,
): { rowsPerSecond: number; projectedMs: number } | undefined {
  if (rows <= 0 || elapsedMs <= 0) return undefined
  const rowsPerSecond = (rows * 1000) / elapsedMs
  return { rowsPerSecond, projectedMs: (rowsExpected / rowsPerSecond) * 1000 }
}

/** Rows per second between two moments of an iteration, from its progress points. */
function rateBetween(points: ProgressPoints, fromMs: number): number | undefined {
  const last = points.at(-1)
  const start = [...points].reverse().find(([t]) => t <= fromMs)
  if (!last || !start || last[0] <= start[0]) return undefined
  return ((last[1] - start[1]) * 1000) / (last[0] - start[0])
}

/**
 * Whether the iteration in progress is hopeless: its rate has settled (enough of the budget run, and
 * the second half's rate within 25% of the whole), and at that rate the one iteration would take
 * more than `HOPELESS_FACTOR` budgets. Then waiting for the budget to run out tells nothing more than
 * the projection already does. Returns the projection that condemns it, or undefined.
 */
export function hopeless(
  points: ProgressPoints,
  rowsExpected: number,
  budgetMs: number,
): { rowsPerSecond: number; projectedMs: number } | undefined {
  const last = points.at(-1)
  if (!last || points.length < MIN_POINTS || last[0] < budgetMs * MIN_BUDGET_SHARE) return undefined
  const whole = projectIteration(last[1], last[0], rowsExpected)
  const recent = rateBetween(points, last[0] / 2)
  if (!whole || recent === undefined) return undefined
  if (Math.abs(recent - whole.rowsPerSecond) > STABLE_WITHIN * whole.rowsPerSecond) return undefined
  return whole.projectedMs > HOPELESS_FACTOR * budgetMs ? whole : undefined
}
