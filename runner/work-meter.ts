/**
 * The database's own work counters over one iteration, on the strategy's sessions: read when each
 * opens and before each closes (whoever closes it), so workers a strategy opens and closes itself are
 * counted too. Reads are `probe`s: none of them is counted as the strategy's statements.
 */
import type { RunRecord } from '../core/results-schema.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { WorkCounterProbe } from '../db/work-counters.js'
import { errorLine } from './error-line.js'

/** A run's work counters as the results file holds them. */
export type WorkRecord = NonNullable<RunRecord['work']>

export class WorkMeter {
  readonly #probe: WorkCounterProbe
  readonly #totals = new Map<string, number>()
  #finished = false
  /** Sessions of the strategy's beyond its main one (parallel workers). */
  #workers = 0
  /** Why a reading failed (a session the strategy left broken): the counters are then withheld. */
  #failure: string | undefined

  /** Other sessions of the harness's on the working database meanwhile (traffic, a heartbeat). */
  readonly #sharedWith: string | undefined

  /**
   * `sharedWith` names the harness's other sessions on the working database during the iteration:
   * counters of the whole database then count their work too, which follows the clock, not the
   * strategy, so none of them is deterministic (they are shown, never gated).
   */
  constructor(probe: WorkCounterProbe, sharedWith?: string) {
    this.#probe = probe
    this.#sharedWith = sharedWith
  }

  /** The strategy's main session, before the timed window. */
  async start(main: InstrumentedConnection): Promise<void> {
    if (this.#probe.unavailable !== undefined) return
    // Database-wide counters are read on the main session, after every other session has flushed.
    await this.#attach(main, true).catch((e: unknown) => {
      this.#failure ??= errorLine(e)
    })
  }

  /** A session the strategy opened (a worker). */
  async attach(worker: InstrumentedConnection): Promise<void> {
    if (this.#probe.unavailable !== undefined) return
    this.#workers++
    await this.#attach(worker, false).catch((e: unknown) => {
      this.#failure ??= errorLine(e)
    })
  }

  async #attach(conn: InstrumentedConnection, main: boolean): Promise<void> {
    const probe = this.#probe
    if (probe.scope === 'database' && !main) {
      conn.beforeClose(async () => {
        await probe.flush?.(conn).catch((e: unknown) => {
          this.#failure ??= errorLine(e)
        })
      })
      return
    }
    await probe.flush?.(conn)
    const before = await probe.read(conn)
    conn.beforeClose(async () => {
      try {
        await probe.flush?.(conn)
        this.#add(before, await probe.read(conn))
        if (main) this.#finished = true
      } catch (e) {
        // The counters are lost, not the run: the session may have been left unusable by its strategy.
        this.#failure ??= errorLine(e)
      }
    })
  }

  #add(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(after)) {
      this.#totals.set(name, (this.#totals.get(name) ?? 0) + value - (before[name] ?? 0))
    }
  }

  /** The counters, once every session closed (null, with the reason, where there are none). */
  record(): WorkRecord {
    const probe = this.#probe
    if (probe.unavailable !== undefined)
      return { scope: probe.scope, counters: null, deterministic: [], note: probe.unavailable }
    if (this.#failure !== undefined || !this.#finished) {
      const why = this.#failure ?? 'the strategy’s session never closed'
      return { scope: probe.scope, counters: null, deterministic: [], note: `not read: ${why}` }
    }
    const shared = probe.scope === 'database' ? this.#sharedWith : undefined
    return {
      scope: probe.scope,
      counters: Object.fromEntries([...this.#totals].sort(([a], [b]) => a.localeCompare(b))),
      deterministic: shared
        ? []
        : (this.#workers > 0 ? probe.deterministicWithWorkers : probe.deterministic).filter((name) =>
            this.#totals.has(name),
          ),
      note: shared
        ? `${probe.note}; ${shared} worked on the same database meanwhile, so none is gated (--no-traffic gates them)`
        : probe.note,
    }
  }
}

/** Whether the deterministic counters of two records are identical (both absent counts as identical). */
export function sameDeterministicWork(a: WorkRecord, b: WorkRecord): boolean {
  return a.deterministic.every((name) => a.counters?.[name] === b.counters?.[name])
}
