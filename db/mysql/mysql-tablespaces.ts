import fs from 'node:fs/promises'
import { constants, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Connection } from '../connection.js'
import { isLocalHost } from '../free-space.js'
import { MARKER_TABLE } from '../ownership.js'
import { scalar } from '../scalar.js'
import type { ServerAddress } from '../database-url.js'
import { mysqlAdapter } from './mysql-adapter.js'

const q = mysqlAdapter.quote

/** Table names that are their own file names on disk (others are encoded, `@002d`, by the server). */
const PLAIN_NAME = /^[A-Za-z0-9_]{1,64}$/

/** What the kept folder of a pristine database holds besides its files: which seed they were taken from. */
const STAMP_FILE = 'stamp.json'

interface Stamp {
  /** The pristine database's marker timestamp: a database re-seeded under the same name has another. */
  readonly created: string
  readonly tables: readonly string[]
}

/**
 * InnoDB transportable tablespaces, for a server whose data directory this process can read and write
 * (a local server, as root or the server's own user): the pristine database's `.ibd` files (with the
 * `.cfg` that `FLUSH TABLES … FOR EXPORT` writes) are kept once in a folder of delbench's own, and a
 * copy is restored by `DISCARD TABLESPACE`, copying the files in and `IMPORT TABLESPACE`. That costs
 * about a file copy of the data, where re-inserting every row costs as much as seeding.
 *
 * Never on a server that writes a binary log (a primary: its replicas would not see the files).
 * Only ever used on delbench's own databases (the caller checked their markers); the kept folder of a
 * pristine database is removed when that database is dropped (`forget`).
 */
export class MysqlTablespaces {
  readonly #root: string
  readonly #local: boolean

  constructor(address: ServerAddress, root: string = path.join(tmpdir(), 'delbench-mysql-tablespaces')) {
    this.#local = isLocalHost(address.host)
    // One folder per server: two local servers on other ports may hold databases of the same name.
    this.#root = path.join(root, `${address.host.replace(/[^A-Za-z0-9.]/g, '_')}_${address.port}`)
  }

  /** The folder keeping the pristine files of `database` (which may not exist). */
  folderOf(database: string): string {
    return path.join(this.#root, database)
  }

  /** Removes the kept files of a database being dropped. */
  async forget(database: string): Promise<void> {
    await fs.rm(this.folderOf(database), { recursive: true, force: true })
    // The server's folder and the root go with their last pristine database (rmdir leaves a full one).
    for (const dir of [this.#root, path.dirname(this.#root)]) await fs.rmdir(dir).catch(() => {})
  }

  /**
   * Makes the `tables` of `target` (on `conn`, a session on `target` whose tables have the definitions
   * of `source`'s) byte copies of `source`'s. False, with nothing changed, when the server's files cannot
   * be reached from here or a table cannot be transported (another engine, partitions, full-text
   * indexes); a failure half-way throws, and the caller drops the copy.
   */
  async copyInto(
    conn: Connection,
    source: string,
    target: string,
    tables: readonly string[],
    openSource: () => Promise<Connection>,
  ): Promise<boolean> {
    if (!this.#local || tables.length === 0 || !tables.every((t) => PLAIN_NAME.test(t))) return false
    // Files copied behind a binary log never reach what reads it: a replica would be left with the
    // tablespaces discarded and its replication stopped. With a binary log, rows are copied.
    if (Number(await scalar(conn, 'SELECT @@log_bin').catch(() => '1')) !== 0) return false
    const datadir = await scalar(conn, 'SELECT @@datadir').catch(() => '')
    const targetDir = path.join(datadir, target)
    // The target's name is random: its folder here proves this is the server's own data directory.
    if (!datadir || !existsSync(targetDir)) return false
    // Reading a data directory is not writing it: as another user than the server's, copies by rows.
    if (!(await writable(targetDir)) || !(await writable(path.join(datadir, source)))) return false
    if (!(await transportable(conn, source, tables))) return false
    const kept = await this.#kept(source, datadir, openSource)
    if (!kept || !tables.every((t) => kept.tables.includes(t))) return false
    const owner = await fs.stat(targetDir)
    const folder = this.folderOf(source)
    await conn.query('SET foreign_key_checks = 0')
    try {
      for (const table of tables) await conn.query(`ALTER TABLE ${q(table)} DISCARD TABLESPACE`)
      // Every file is copied at once (the kernel copies, the event loop only waits) and each table is
      // imported as soon as its own files are in.
      const copied = tables.map((table) => copyPair(folder, targetDir, table, owner))
      const settled = Promise.allSettled(copied)
      try {
        for (const [i, table] of tables.entries()) {
          await copied[i]
          await conn.query(`ALTER TABLE ${q(table)} IMPORT TABLESPACE`)
          await fs.rm(path.join(targetDir, `${table}.cfg`), { force: true })
        }
      } finally {
        // No copy still writes into the data directory once this returns or throws.
        await settled
      }
    } finally {
      await conn.query('SET foreign_key_checks = 1')
    }
    return true
  }

  /**
   * The kept files of `source`, exported on first use (`FLUSH TABLES … FOR EXPORT`, copied while the
   * tables are locked) and reused while the pristine database is the one they were taken from.
   */
  async #kept(
    source: string,
    datadir: string,
    openSource: () => Promise<Connection>,
  ): Promise<Stamp | undefined> {
    const conn = await openSource()
    try {
      const created = await scalar(conn, `SELECT created_at FROM ${MARKER_TABLE} LIMIT 1`)
      const folder = this.folderOf(source)
      const stamp = await readStamp(folder)
      if (stamp && stamp.created === created) return stamp
      const tables = await baseTables(conn, source)
      if (!tables.every((t) => PLAIN_NAME.test(t)) || !(await transportable(conn, source, tables)))
        return undefined
      const sourceDir = path.join(datadir, source)
      // Exported into a folder of this process's own, then renamed: two processes may export at once.
      const partial = `${folder}.${process.pid}.partial`
      await fs.rm(partial, { recursive: true, force: true })
      await fs.mkdir(partial, { recursive: true })
      try {
        // A user without the RELOAD and LOCK TABLES privileges cannot export: rows are copied instead.
        const locked = await conn.query(`FLUSH TABLES ${tables.map(q).join(', ')} FOR EXPORT`).then(
          () => true,
          () => false,
        )
        if (!locked) return undefined
        let exported = true
        try {
          for (const table of tables) {
            // The `.cfg` exists only while the export lock is held: finding it proves these are the
            // server's files (not another server's data directory at the same path).
            const cfg = path.join(sourceDir, `${table}.cfg`)
            if (!existsSync(cfg)) {
              exported = false
              break
            }
            await fs.copyFile(path.join(sourceDir, `${table}.ibd`), path.join(partial, `${table}.ibd`))
            await fs.copyFile(cfg, path.join(partial, `${table}.cfg`))
          }
        } finally {
          await conn.query('UNLOCK TABLES')
        }
        if (!exported) return undefined
        const kept: Stamp = { created, tables }
        await fs.writeFile(path.join(partial, STAMP_FILE), JSON.stringify(kept))
        await fs.rm(folder, { recursive: true, force: true })
        await fs.rename(partial, folder).catch(async (error: unknown) => {
          // Another process kept the same files first: theirs serve as well.
          if (!(await readStamp(folder))) throw error
        })
        return kept
      } finally {
        await fs.rm(partial, { recursive: true, force: true })
      }
    } finally {
      await conn.close()
    }
  }
}

/** Copies a table's `.ibd` and `.cfg` into the server's folder, owned by the server's user. */
async function copyPair(
  from: string,
  to: string,
  table: string,
  owner: { readonly uid: number; readonly gid: number },
): Promise<void> {
  await Promise.all(
    ['.ibd', '.cfg'].map(async (ext) => {
      const file = path.join(to, table + ext)
      await fs.copyFile(path.join(from, table + ext), file)
      await fs.chown(file, owner.uid, owner.gid)
    }),
  )
}

async function writable(dir: string): Promise<boolean> {
  return fs.access(dir, constants.R_OK | constants.W_OK | constants.X_OK).then(
    () => true,
    () => false,
  )
}

async function readStamp(folder: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(folder, STAMP_FILE), 'utf8')) as Stamp
  } catch {
    return undefined
  }
}

/** The base tables of a database, the marker first. */
export async function baseTables(conn: Connection, database: string): Promise<string[]> {
  const { rows } = await conn.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name = ? DESC, table_name",
    [database, MARKER_TABLE],
  )
  return rows.map((r) => r.name)
}

/**
 * Whether every table of `database` among `tables` can be moved as one file: InnoDB, not partitioned
 * (a file per partition), no full-text index (auxiliary tables of its own).
 */
async function transportable(
  conn: Connection,
  database: string,
  tables: readonly string[],
): Promise<boolean> {
  const marks = tables.map(() => '?').join(', ')
  const { rows } = await conn.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM information_schema.tables t WHERE t.table_schema = ? AND t.table_name IN (${marks})
       AND t.engine = 'InnoDB' AND t.create_options NOT LIKE '%partitioned%'
       AND NOT EXISTS (SELECT 1 FROM information_schema.statistics s WHERE s.table_schema = t.table_schema
                       AND s.table_name = t.table_name AND s.index_type = 'FULLTEXT')`,
    [database, ...tables],
  )
  return Number(rows[0]?.n) === tables.length
}
