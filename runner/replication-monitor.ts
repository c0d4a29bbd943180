/**
 * Replication lag during a timed iteration, on each `--replica`: the harness raises a heartbeat row in
 * the working database on the primary every HEARTBEAT_MS and reads it on each replica every SAMPLE_MS.
 * A replica's lag is how long ago the primary committed the oldest beat the replica has not applied
 * (0 when it has applied the latest), so it is exact to a sample and needs no clock agreement: one
 * process times both ends. The server's own figure is read beside it. A replica that cannot be read,
 * or whose replication is stopped or paused, has an unknown lag (pt-archiver treats a stopped replica
 * the same way: it pauses).
 */
import { DelbenchError } from '../core/errors.js'
import { sleep } from '../core/abort.js'
import type { DatabaseServer } from '../db/database-server.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import type { ReplicaWatch } from '../db/replication.js'
import { prepareHeartbeat, readBeat, writeBeat } from '../db/replication-heartbeat.js'
import { errorLine } from './error-line.js'

/** How often the primary's beat is raised (gh-ost's heartbeat interval). */
export const HEARTBEAT_MS = 100
/** How often each replica is read. */
const SAMPLE_MS = 100
/**
 * The longest wait for a replica to apply a restored working copy: a copy is far more to replay than
 * a deletion's lag (MariaDB replays every copied row), so this is not `--lag-wait`.
 */
const RESTORE_WAIT_MS = 300_000
/** How often a wait for a replica to catch up looks again. */
const POLL_MS = 20

/** One replica of the run's primary, opened and checked. */
export interface ReplicaTarget {
  /** Its URL as it may be printed. */
  readonly display: string
  readonly server: DatabaseServer
  /** The server's own view of its lag. */
  readonly watch: ReplicaWatch
}

/** One sample of one replica: ms since the strategy started, heartbeat lag, server-reported lag. */
export type LagSample = readonly [number, number | null, number | null]

/** What one iteration measured on one replica. */
export interface ReplicaIteration {
  readonly replica: string
  /** From the strategy's start until the replica caught up (or the wait ended). */
  readonly samples: readonly LagSample[]
  /** From the strategy's end until the replica applied everything; null if not within the wait. */
  readonly catchUpMs: number | null
  readonly method: string
}

/** A replica as the iteration reads it. */
interface Reader {
  readonly target: ReplicaTarget
  readonly conn: InstrumentedConnection
  /** The highest beat seen applied, and the latest lag (undefined: unknown). */
  seen: number
  lag: number | undefined
  /** Whether the server said, at the last sample, that replication runs. */
  running: boolean
  samples: LagSample[]
  serverMethod: string
}

/** Watches the replicas of one run through its iterations: `begin`, `started`, `ended`, `finish`. */
export class ReplicationMonitor {
  readonly #primary: DatabaseServer
  readonly #replicas: readonly ReplicaTarget[]
  /** The longest a replica may take to catch up (after a restore, after the strategy). */
  readonly #waitMs: number
  #writer: InstrumentedConnection | undefined
  #readers: Reader[] = []
  /** When the primary committed each beat (performance.now()), by beat. */
  #committed: number[] = []
  #beat = 0
  #startedAt: number | undefined
  #endedAt: number | undefined
  #loops: Promise<void>[] = []
  #stopped = false

  constructor(primary: DatabaseServer, replicas: readonly ReplicaTarget[], waitMs: number) {
    this.#primary = primary
    this.#replicas = replicas
    this.#waitMs = waitMs
  }

  /**
   * Untimed, after the restore: the heartbeat on the working copy, each replica's session on it once
   * the replica has applied the restore (so one iteration's lag never leaks into the next), and the
   * heartbeat and sampling loops started.
   */
  async begin(working: string): Promise<void> {
    this.#stopped = false
    this.#startedAt = undefined
    this.#endedAt = undefined
    this.#committed = []
    this.#beat = 0
    const writer = await this.#primary.openDatabase(working)
    this.#writer = writer
    await prepareHeartbeat(writer, this.#primary.dialect.adapter)
    const target = await this.#raise()
    this.#readers = []
    for (const replica of this.#replicas) {
      const conn = await this.#caughtUpSession(replica, working, target)
      this.#readers.push({
        target: replica,
        conn,
        seen: target,
        lag: 0,
        running: true,
        samples: [],
        serverMethod: '',
      })
    }
    this.#loops = [this.#heartbeatLoop(), ...this.#readers.map((r) => this.#sampleLoop(r))]
  }

  /** The strategy's clock starts: samples are recorded from here. */
  started(): void {
    this.#startedAt = performance.now()
  }

  /** The strategy's clock stops: catch-up is counted from here. */
  ended(): void {
    this.#endedAt = performance.now()
  }

  /**
   * The worst lag over the replicas now, each replica's beat read afresh (a throttle checks before
   * every batch, and a sample up to SAMPLE_MS old would let it overshoot); undefined if any is unknown.
   */
  async lag(): Promise<number | undefined> {
    const lags = await Promise.all(
      this.#readers.map(async (reader) => {
        if (!reader.running) return undefined
        try {
          reader.seen = Math.max(reader.seen, await readBeat(reader.conn))
          return this.#lagAt(reader.seen)
        } catch {
          return undefined
        }
      }),
    )
    let worst = 0
    for (const lag of lags) {
      if (lag === undefined) return undefined
      worst = Math.max(worst, lag)
    }
    return worst
  }

  /** How long ago the primary committed the oldest beat after `seen`: 0 when there is none. */
  #lagAt(seen: number): number {
    const pending = this.#committed[seen + 1]
    return pending === undefined ? 0 : Math.max(0, performance.now() - pending)
  }

  /** Untimed, after the strategy: waits for each replica to catch up, stops the loops, reports. */
  async finish(): Promise<ReplicaIteration[]> {
    const endedAt = this.#endedAt ?? performance.now()
    const target = await this.#raise().catch(() => this.#beat)
    const caughtUp = await Promise.all(this.#readers.map((r) => this.#waitFor(r, target)))
    this.#stopped = true
    await Promise.all(this.#loops)
    const closed = this.#readers.map((r) => r.conn.close().catch(() => {}))
    await Promise.all([...closed, this.#writer?.close().catch(() => {})])
    this.#writer = undefined
    const result = this.#readers.map((reader, i) => {
      const at = caughtUp[i]
      // The timeline ends where the replica caught up: its lag back to 0.
      if (at !== undefined && this.#startedAt !== undefined)
        reader.samples.push([Math.round(at - this.#startedAt), 0, null])
      return {
        replica: reader.target.display,
        samples: reader.samples,
        catchUpMs: at === undefined ? null : Math.round(Math.max(0, at - endedAt)),
        method: `heartbeat row written on the primary every ${HEARTBEAT_MS} ms and read on the replica every ${SAMPLE_MS} ms; server view: ${reader.serverMethod}`,
      }
    })
    this.#readers = []
    return result
  }

  /** Raises the beat on the primary; resolves to it once committed. */
  async #raise(): Promise<number> {
    const writer = this.#writer
    if (!writer) return this.#beat
    const beat = ++this.#beat
    await writeBeat(writer, this.#primary.dialect.adapter, beat)
    this.#committed[beat] = performance.now()
    return beat
  }

  async #heartbeatLoop(): Promise<void> {
    while (!this.#stopped) {
      // A failed beat (the primary busy, gone) is a gap in the heartbeat, not the run's failure.
      await this.#raise().catch(() => {})
      await sleep(HEARTBEAT_MS)
    }
  }

  async #sampleLoop(reader: Reader): Promise<void> {
    while (!this.#stopped) {
      await this.#sample(reader)
      await sleep(SAMPLE_MS)
    }
  }

  /** Reads the replica's beat and the server's view; unknown where either cannot say. */
  async #sample(reader: Reader): Promise<void> {
    let lag: number | undefined
    let server: number | undefined
    try {
      const view = await reader.target.watch.serverLag()
      reader.serverMethod = view.method
      server = view.lagMs
      reader.running = view.running
      reader.seen = Math.max(reader.seen, await readBeat(reader.conn))
      if (view.running) lag = this.#lagAt(reader.seen)
    } catch {
      reader.running = false
      lag = undefined
    }
    reader.lag = lag
    if (this.#startedAt !== undefined)
      reader.samples.push([
        Math.round(performance.now() - this.#startedAt),
        lag === undefined ? null : Math.round(lag),
        server === undefined ? null : Math.round(server),
      ])
  }

  /** When the replica showed `beat` applied (performance.now()), or undefined after the wait. */
  async #waitFor(reader: Reader, beat: number): Promise<number | undefined> {
    const deadline = performance.now() + this.#waitMs
    while (performance.now() < deadline) {
      if (reader.seen >= beat) return performance.now()
      try {
        reader.seen = Math.max(reader.seen, await readBeat(reader.conn))
        if (reader.seen >= beat) return performance.now()
      } catch {
        // Unreadable for now (stopped, restarting): the wait goes on until its limit.
      }
      await sleep(POLL_MS)
    }
    return undefined
  }

  /** A session on the replica's copy of the working database, once it has applied `beat`. */
  async #caughtUpSession(
    replica: ReplicaTarget,
    working: string,
    beat: number,
  ): Promise<InstrumentedConnection> {
    const waitMs = Math.max(this.#waitMs, RESTORE_WAIT_MS)
    const deadline = performance.now() + waitMs
    let last = 'it has not applied the restored working copy'
    for (;;) {
      let conn: InstrumentedConnection | undefined
      try {
        conn = await replica.server.openDatabase(working)
        if ((await readBeat(conn)) >= beat) return conn
      } catch (error) {
        last = errorLine(error)
      }
      await conn?.close().catch(() => {})
      if (performance.now() > deadline)
        throw new DelbenchError(
          `replica ${replica.display} did not catch up with the restored working copy within ${waitMs / 1000} s (${last})`,
          1,
        )
      await sleep(POLL_MS * 5)
    }
  }
}

/** Closes replicas opened for a run (their watches and servers), once the run is over. */
export async function closeReplicas(replicas: readonly ReplicaTarget[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.watch.close().catch(() => {})))
  await Promise.all(replicas.map((r) => r.server.close().catch(() => {})))
}
