import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { ClientDetails } from './client-details.js'
import type { DriverSession } from './connection.js'
import type { Capabilities, CopyMethod, Dialect, Provisioner, ServerInfo } from './dialect.js'
import { DELBENCH_VERSION } from '../core/delbench-version.js'
import { DelbenchError, SafetyError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import { processRuns } from './lock-file.js'
import { InstrumentedConnection, type SqlLogger } from './instrumented-connection.js'
import type { TableSpec } from '../core/table-spec.js'
import {
  assertOwnName,
  clearOwner,
  hasMarker,
  livenessLockName,
  OWN_PREFIX,
  readOwner,
  thisOwner,
  unmarkedError,
  writeMarker,
  writeOwner,
  type Owner,
} from './ownership.js'

/** How many times `abandon` drops a killed run's copy, and how long it waits for it to stay gone. */
const ABANDON_ATTEMPTS = 5
const ABANDON_SETTLE_MS = 300

/** How often a process waiting for another's lock (`exclusive`) tries again. */
const LOCK_POLL_MS = 250

/** How long a reclaim waits for a server to notice that an owner process on this machine has ended. */
const OWNER_GONE_WAIT_MS = 10_000

/**
 * The databases this process owns (server display and name), on every DatabaseServer it has open: a
 * lock file names only the process, and PostgreSQL grants a session its own advisory lock again, so
 * the lock alone cannot tell this process's databases from a dead one's.
 */
const CLAIMED = new Set<string>()

/** A database on the server whose name carries delbench's prefix, and whether it carries the marker too. */
export interface OwnDatabase {
  readonly name: string
  readonly marked: boolean
  /** The process that owns it for its own life (a working copy, a seed being built); none for a kept seed. */
  readonly owner?: Owner
}

/** A database dropped because the process that owned it is gone. */
export interface ReclaimedDatabase {
  readonly name: string
  readonly owner: Owner
}

/** What `describe` finds out about a server. */
export interface ServerDescription {
  readonly server: ServerInfo
  readonly capabilities: Capabilities
}

/**
 * A server (or SQLite folder) as delbench may use it. Every path to a database goes through here, and
 * here the safety rule is enforced: delbench creates databases only under its own prefix, marks each
 * one, and opens or drops only databases that carry its marker. The database named in a URL is used by
 * the provisioner only to create and drop databases, never opened through this class.
 */
export class DatabaseServer {
  readonly dialect: Dialect
  /** The server as it may be printed: no password. */
  readonly display: string
  readonly #provisioner: Provisioner
  readonly #logger: SqlLogger | undefined
  readonly #onClose: () => Promise<void>
  /** The liveness locks of the databases this server's process owns, by name. */
  readonly #claims = new Map<string, () => Promise<void>>()

  constructor(options: {
    dialect: Dialect
    provisioner: Provisioner
    display: string
    logger?: SqlLogger
    onClose?: () => Promise<void>
  }) {
    this.dialect = options.dialect
    this.display = options.display
    this.#provisioner = options.provisioner
    this.#logger = options.logger
    this.#onClose = options.onClose ?? (async () => {})
  }

  /** A fresh name for a new database: `delbench_<purpose>_<random>` so concurrent runs never collide. */
  static uniqueName(purpose: string): string {
    const slug = purpose
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 36)
    return `${OWN_PREFIX}${slug || 'db'}_${randomBytes(5).toString('hex')}`
  }

  /** Creates an empty, marked database. Fails if a database of that name exists, marked or not. */
  async createDatabase(name: string, purpose: string): Promise<void> {
    await (await this.createAndOpen(name, purpose)).close()
  }

  /**
   * Creates an empty, marked database as `createDatabase` does and returns the session that marked it,
   * set up as `openDatabase` sets one up: the caller works on at once without a second connection.
   * `whileCreating`: the caller's own work, begun once the server has the CREATE statement, so the two
   * overlap; if it fails, the new database is dropped and its error thrown.
   */
  async createAndOpen(
    name: string,
    purpose: string,
    whileCreating?: () => Promise<void>,
  ): Promise<InstrumentedConnection> {
    assertOwnName(name)
    if ((await this.#provisioner.listDatabases(name)).includes(name)) {
      throw new SafetyError(
        `database '${name}' exists already on ${this.display}: delbench will not reuse or overwrite it`,
      )
    }
    let opened: InstrumentedConnection | undefined
    await this.#owning(name, async () => {
      const created = this.#provisioner.createDatabase(name).catch((error: unknown) => {
        throw this.#createRefusal(error, name)
      })
      // Marked as soon as it exists, whatever the caller's work is doing: a process killed meanwhile leaves
      // a database `delbench clean` knows as its own.
      const marked = created.then(() => this.#markNew(name, purpose))
      // One turn of the event loop puts the statement on its way before the caller's work takes the thread.
      await new Promise((resolve) => setImmediate(resolve))
      const [session, own] = await Promise.allSettled([marked, whileCreating?.()])
      if (session.status === 'rejected') throw session.reason
      if (own.status === 'rejected') {
        await session.value.close()
        await this.#provisioner.dropDatabase(name).catch(() => {})
        throw own.reason
      }
      opened = session.value
    })
    return opened as InstrumentedConnection
  }

  /** A session on a database this process has just created, after writing its marker and owner. */
  #markNew(name: string, purpose: string): Promise<InstrumentedConnection> {
    return this.#session(name, this.#logger, async (conn) => {
      await writeMarker(conn, purpose, DELBENCH_VERSION)
      await writeOwner(conn, this.dialect.adapter, thisOwner())
    })
  }

  /**
   * A session on a database, `first` run on it (a check, the marker's writing), then the dialect's
   * session setup; its counters start after both. Closed again if either fails.
   */
  async #session(
    name: string,
    logger: SqlLogger | undefined,
    first: (conn: InstrumentedConnection) => Promise<void>,
  ): Promise<InstrumentedConnection> {
    const conn = new InstrumentedConnection(
      await this.#provisioner.connect(name),
      logger,
      this.dialect.adapter.beginSql,
    )
    try {
      await first(conn)
      for (const sql of this.dialect.sessionSetup()) await conn.query(sql)
    } catch (error) {
      await conn.close()
      throw error
    }
    conn.resetCounters()
    return conn
  }

  /**
   * Runs `make` (which creates database `name`) holding the database's liveness lock, taken before the
   * database exists and kept until it is dropped or settled, so no other process ever sees it ownerless
   * and alive. A failed `make` lets the lock go.
   */
  async #owning(name: string, make: () => Promise<void>): Promise<void> {
    const release = await this.#provisioner.tryLock(livenessLockName(name))
    if (!release)
      throw new SafetyError(`database '${name}' is owned by another delbench process on ${this.display}`)
    this.#claims.set(name, release)
    CLAIMED.add(`${this.display}|${name}`)
    try {
      await make()
    } catch (error) {
      await this.#unclaim(name).catch(() => {})
      throw error
    }
  }

  /** Lets go of the liveness lock of a database this process owned (dropped, or settled to be kept). */
  async #unclaim(name: string): Promise<void> {
    const release = this.#claims.get(name)
    this.#claims.delete(name)
    CLAIMED.delete(`${this.display}|${name}`)
    await release?.()
  }

  /** Runs `fn` on a plain session on a database this process has just made. */
  async #inNew(name: string, fn: (conn: InstrumentedConnection) => Promise<void>): Promise<void> {
    const conn = new InstrumentedConnection(
      await this.#provisioner.connect(name),
      this.#logger,
      this.dialect.adapter.beginSql,
    )
    try {
      await fn(conn)
    } finally {
      await conn.close()
    }
  }

  /**
   * Keeps a database this process created (a seed, once complete) beyond its life: its owner record is
   * removed and its liveness lock let go, so no cleanup of dead runs will drop it. `open`: a session of
   * the caller's on that database, used instead of a new one (and left open).
   */
  async settle(name: string, open?: InstrumentedConnection): Promise<void> {
    const conn = open ?? (await this.openDatabase(name))
    try {
      await clearOwner(conn)
    } finally {
      if (!open) await conn.close()
    }
    await this.#unclaim(name)
  }

  /** A server's refusal to create a database, as one line saying what delbench needs. */
  #createRefusal(error: unknown, name: string): unknown {
    const e = error as { code?: unknown; errno?: unknown; message?: unknown }
    const denied = e.code === '42501' || e.errno === 1044 || e.errno === 1227
    if (!denied) return error
    return new DelbenchError(
      `${this.display} refused to create database ${name} (${redact(String(e.message)).split('\n')[0]}): delbench needs a user that may create databases (PostgreSQL: CREATEDB; MySQL: CREATE and DROP on \`delbench\\_%\`.*)`,
    )
  }

  /** How a strategy's own client (a program, an ORM) reaches one of delbench's own databases. */
  clientDetails(name: string): ClientDetails {
    assertOwnName(name)
    return this.#provisioner.clientDetails(name)
  }

  /**
   * Opens a connection on one of delbench's own databases; refuses any database without the marker
   * (one this process created and owns has it).
   */
  async openDatabase(
    name: string,
    options: { readonly logger?: SqlLogger } = {},
  ): Promise<InstrumentedConnection> {
    assertOwnName(name)
    return this.#session(name, options.logger ?? this.#logger, async (conn) => {
      // A database this process created and still owns carries the marker it wrote: no need to look.
      if (!this.#claims.has(name) && !(await hasMarker(conn, this.dialect.adapter)))
        throw unmarkedError(name, this.display)
    })
  }

  /**
   * The bare driver session on one of delbench's own databases, after checking its marker: no
   * instrumentation, no session setup (the overhead benchmark's plain script).
   */
  async openDriverSession(name: string): Promise<DriverSession> {
    await (await this.openDatabase(name)).close()
    return this.#provisioner.connect(name)
  }

  /** Drops one of delbench's own databases, after checking its marker. */
  async dropDatabase(name: string): Promise<void> {
    await (await this.openDatabase(name)).close()
    await this.#provisioner.dropDatabase(name)
    await this.#unclaim(name)
  }

  /** Creates `target` as an exact copy of the marked database `source`; resolves to how it was copied. */
  async cloneDatabase(source: string, target: string): Promise<CopyMethod> {
    assertOwnName(target)
    await (await this.openDatabase(source)).close()
    if ((await this.#provisioner.listDatabases(target)).includes(target)) {
      throw new SafetyError(
        `database '${target}' exists already on ${this.display}: delbench will not overwrite it`,
      )
    }
    let method: CopyMethod = 'clone'
    await this.#owning(target, async () => {
      method = await this.#provisioner.cloneDatabase(source, target)
      await this.#inNew(target, (conn) => writeOwner(conn, this.dialect.adapter, thisOwner()))
    })
    return method
  }

  /** Whether the dialect can repair a copy in place (`refreshDatabase`), which beats a full copy there. */
  get canRefresh(): boolean {
    return this.#provisioner.refreshDatabase !== undefined
  }

  /**
   * Brings the marked copy `target` back to equal the marked `source` in place; resolves to how, or to
   * undefined when the dialect cannot or the result could not be proven exact.
   */
  async refreshDatabase(
    source: string,
    target: string,
    tables: readonly TableSpec[],
  ): Promise<CopyMethod | undefined> {
    if (!this.#provisioner.refreshDatabase) return undefined
    await (await this.openDatabase(source)).close()
    await (await this.openDatabase(target)).close()
    return this.#provisioner.refreshDatabase(source, target, tables)
  }

  /**
   * Runs `fn` holding a server-wide named lock, waiting while another delbench process holds it (as
   * when two runs seed the same scenario at once: one seeds, the other then reuses). `onWait` is
   * called once if it has to wait.
   */
  async exclusive<T>(name: string, fn: () => Promise<T>, onWait: () => void = () => {}): Promise<T> {
    let release = await this.#provisioner.tryLock(name)
    if (!release) onWait()
    while (!release) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
      release = await this.#provisioner.tryLock(name)
    }
    try {
      return await fn()
    } finally {
      await release()
    }
  }

  /**
   * Ends the sessions `ids` (a killed run's, as its child reported them) that are connected to one of
   * delbench's own databases, and no other session: an id the server has since handed to another
   * client, on another database, is left alone.
   */
  async endSessions(name: string, ids: readonly number[]): Promise<void> {
    assertOwnName(name)
    if (ids.length === 0) return
    await (await this.openDatabase(name)).close()
    await this.#provisioner.endSessionsOn?.(name, ids)
  }

  /**
   * Drops a working copy this process named (`uniqueName`) whose child was killed, for good: a copy it had under way (a template copy
   * still running on the server after its client died) is ended first, and the drop is repeated until
   * the database stays gone.
   */
  async abandon(name: string): Promise<void> {
    assertOwnName(name)
    for (let attempt = 0; attempt < ABANDON_ATTEMPTS; attempt++) {
      await this.#provisioner.endSessionsOn?.(name).catch(() => {})
      // This process named the copy (at random) and had it created: a copy killed half-way may not
      // carry the marker yet, and is dropped all the same.
      if ((await this.#provisioner.listDatabases(name)).includes(name))
        await this.#provisioner.dropDatabase(name).catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, ABANDON_SETTLE_MS))
      if (!(await this.#provisioner.listDatabases(name)).includes(name)) break
    }
    if (this.#claims.has(name)) await this.#unclaim(name)
    // The killed child held the copy's liveness lock: a lock file (SQLite) outlives its process, and is
    // taken over and removed here; a server's session lock went with the child's sessions.
    else await (await this.#provisioner.tryLock(livenessLockName(name)).catch(() => undefined))?.()
  }

  /**
   * Drops every database whose owner is gone: one recording an owner (a working copy, a seed being
   * built) whose liveness lock no process holds. A live owner's database is never touched: its lock is
   * held from before the database exists until it is dropped. Databases without an owner record (kept
   * seeds, an older delbench's) are left alone.
   */
  async reclaimAbandoned(): Promise<ReclaimedDatabase[]> {
    const reclaimed: ReclaimedDatabase[] = []
    for (const db of await this.listDatabases()) {
      if (!db.marked || !db.owner || CLAIMED.has(`${this.display}|${db.name}`)) continue
      const release = await this.#ownerGone(db.owner, db.name)
      if (!release) continue
      try {
        // Its owner may have settled it (a seed completed) or dropped it just before letting go.
        const owner = await this.#ownerOf(db.name)
        if (!owner) continue
        await this.#provisioner.endSessionsOn?.(db.name).catch(() => {})
        await this.#provisioner.dropDatabase(db.name)
        reclaimed.push({ name: db.name, owner })
      } finally {
        await release()
      }
    }
    return reclaimed
  }

  /**
   * Drops a marked database that records no owner (a kept seed), unless a live process holds its liveness
   * lock: one that has just created it and not yet recorded itself as owner (a copy of a seed carries the
   * seed's marker from its first moment, a new database its marker before its owner) is left alone.
   * Resolves to whether it was dropped.
   */
  async dropUnowned(name: string): Promise<boolean> {
    if (CLAIMED.has(`${this.display}|${name}`)) return false
    const release = await this.#provisioner.tryLock(livenessLockName(name))
    if (!release) return false
    try {
      // An owner may have recorded itself since the caller looked.
      if (await this.#ownerOf(name)) return false
      await this.dropDatabase(name)
      return true
    } finally {
      await release()
    }
  }

  /**
   * The liveness lock of `name` when its owner is gone, or undefined while the owner lives. An owner on
   * this machine whose process has ended is given a few seconds for the server to notice its sessions
   * closed and release the lock.
   */
  async #ownerGone(owner: Owner, name: string): Promise<(() => Promise<void>) | undefined> {
    const lock = livenessLockName(name)
    const ended = owner.host === thisOwner().host && !processRuns(owner.pid)
    const deadline = performance.now() + (ended ? OWNER_GONE_WAIT_MS : 0)
    for (;;) {
      const release = await this.#provisioner.tryLock(lock)
      if (release || performance.now() >= deadline) return release
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
    }
  }

  /** The owner recorded in `name`, or undefined when it has none (or is gone). */
  async #ownerOf(name: string): Promise<Owner | undefined> {
    const conn = await this.openDatabase(name).catch(() => undefined)
    if (!conn) return undefined
    try {
      return await readOwner(conn, this.dialect.adapter)
    } finally {
      await conn.close()
    }
  }

  /** Whether a database is gone, or goes within a second (another process's drop under way). */
  async #vanishes(name: string): Promise<boolean> {
    for (let i = 0; i < 5; i++) {
      if (!(await this.#provisioner.listDatabases(name)).includes(name)) return true
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    return false
  }

  /** Bytes free where the server keeps its data, when that can be known from here. */
  freeBytes(): Promise<number | undefined> {
    return this.#provisioner.freeBytes()
  }

  /**
   * Has the server write what it holds in memory to its files (`Provisioner.flushWrites`); false where it
   * offers no such request. Rejects where the user may not ask it.
   */
  async flushWrites(): Promise<boolean> {
    if (!this.#provisioner.flushWrites) return false
    await this.#provisioner.flushWrites()
    return true
  }

  /** The cores the server runs on when that is this machine; undefined for a server elsewhere. */
  get serverCores(): number | undefined {
    return this.#provisioner.onThisMachine ? os.availableParallelism() : undefined
  }

  /**
   * Databases with delbench's prefix (or a longer one: a database's own name, to look at that one
   * alone without opening every other), each checked for the marker.
   */
  async listDatabases(prefix: string = OWN_PREFIX): Promise<OwnDatabase[]> {
    if (!prefix.startsWith(OWN_PREFIX)) assertOwnName(prefix)
    const names = await this.#provisioner.listDatabases(prefix)
    const found: OwnDatabase[] = []
    for (const name of names) {
      let marked = false
      let owner: Owner | undefined
      try {
        const conn = await this.openDatabase(name)
        try {
          owner = await readOwner(conn, this.dialect.adapter)
        } finally {
          await conn.close()
        }
        marked = true
      } catch (error) {
        if (!(error instanceof SafetyError)) {
          // Another delbench process may be dropping it (a probe, a working copy; PostgreSQL's FORCE
          // ends this check's session too): skip it once it is gone.
          if (await this.#vanishes(name)) continue
          throw error
        }
      }
      found.push(owner ? { name, marked, owner } : { name, marked })
    }
    return found
  }

  /** Product, version, settings and capabilities, probed in a scratch database that is dropped after. */
  async describe(): Promise<ServerDescription> {
    const name = DatabaseServer.uniqueName('probe')
    await this.createDatabase(name, 'probe server capabilities')
    try {
      const conn = await this.openDatabase(name)
      try {
        return await this.dialect.introspect(conn)
      } finally {
        await conn.close()
      }
    } finally {
      await this.dropDatabase(name)
    }
  }

  async close(): Promise<void> {
    try {
      for (const name of [...this.#claims.keys()]) await this.#unclaim(name).catch(() => {})
      await this.#provisioner.close()
    } finally {
      await this.#onClose()
    }
  }
}
