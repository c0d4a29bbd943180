/**
 * pt-online-schema-change's `--chunk-time` rule (its WeightedAvgRate), restated: after each batch of n
 * rows that took t ms, the rows and the time are added to running sums whose previous value is first
 * multiplied by WEIGHT (0.75: the new batch enters at full weight, one k batches old at 0.75^k); the
 * rate is their quotient, and the next batch is the rate × the target time, rounded down. The first
 * batch's rate is its own. delbench adds the bounds pt-osc leaves to the caller: at least MIN_BATCH
 * row, at most the caller's maximum (the keys one statement can carry as parameters).
 */
export const WEIGHT = 0.75
/** The smallest batch: pt-osc's floor of 1 row, which a very slow batch may bring the size down to. */
export const MIN_BATCH = 1

/** The sizer's state after a batch: the decayed sums and the size they give the next batch. */
export interface ChunkStep {
  /** Rows in the decayed sum. */
  readonly rows: number
  /** Milliseconds in the decayed sum. */
  readonly ms: number
  /** The next batch's size, within the bounds. */
  readonly next: number
}

/** The state after a batch of `rows` that took `ms`, from the state before it (none for the first). */
export function nextChunk(
  before: ChunkStep | undefined,
  rows: number,
  ms: number,
  targetMs: number,
  maxBatch: number,
): ChunkStep {
  const sumRows = before ? before.rows * WEIGHT + rows : rows
  // A batch too fast for the clock to see would divide by zero: count it as a tenth of a millisecond.
  const sumMs = (before ? before.ms * WEIGHT : 0) + Math.max(ms, 0.1)
  const next = Math.floor((sumRows / sumMs) * targetMs)
  return { rows: sumRows, ms: sumMs, next: Math.min(maxBatch, Math.max(MIN_BATCH, next)) }
}

/** Sizes a loop's batches to take `targetMs` each, from the batches so far. */
export class ChunkSizer {
  readonly #targetMs: number
  readonly #maxBatch: number
  #state: ChunkStep | undefined
  #size: number

  constructor(targetMs: number, startSize: number, maxBatch: number) {
    this.#targetMs = targetMs
    this.#maxBatch = Math.max(MIN_BATCH, maxBatch)
    this.#size = Math.min(this.#maxBatch, Math.max(MIN_BATCH, startSize))
  }

  /** The size of the next batch. */
  get size(): number {
    return this.#size
  }

  /** Takes a finished batch's rows and time; returns the next batch's size. */
  update(rows: number, ms: number): number {
    // An empty batch (the end) says nothing about the rate.
    if (rows === 0) return this.#size
    this.#state = nextChunk(this.#state, rows, ms, this.#targetMs, this.#maxBatch)
    this.#size = this.#state.next
    return this.#size
  }
}
