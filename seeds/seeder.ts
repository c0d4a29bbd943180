import { createHash } from 'node:crypto'
import type { DatabaseServer } from '../db/database-server.js'
import { DELBENCH_VERSION } from '../core/delbench-version.js'
import { DelbenchError } from '../core/errors.js'
import type { InstrumentedConnection } from '../db/instrumented-connection.js'
import { OWN_PREFIX, SEED_TABLE } from '../db/ownership.js'
import { scalar } from '../db/scalar.js'
import type { CellValue, TableSpec } from '../core/table-spec.js'
import { loadOrder } from '../scenarios/deletion-plan.js'
import type { Scenario, ScenarioTable } from '../scenarios/scenario.js'
import { estimateSeedBytes } from './disk-estimate.js'
import { rowBatches } from './row-batches.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { scenarioTables, type SchemaKnobs } from '../scenarios/scenario-tables.js'
import { valuePools, type ValuePools } from './value-pools.js'
import { countOrphans } from './orphans.js'

/** What to seed: a scenario at a scale, from a seed, with schema knobs. */
export interface SeedRequest {
  readonly scenario: Scenario
  readonly scale: number
  readonly seed: number
  readonly knobs?: SchemaKnobs
}

/** Rows loaded so far, for progress bars and periodic lines. */
export interface SeedProgress {
  readonly table: string
  readonly tableRows: number
  readonly tableTotal: number
  readonly rows: number
  readonly total: number
}

export interface SeedResult {
  /** The pristine database holding the seeded data; copies of it are what strategies delete from. */
  readonly database: string
  readonly counts: Readonly<Record<string, number>>
  readonly totalRows: number
  /** Seconds spent seeding; 0 when an identical seeded database was reused. */
  readonly seconds: number
  readonly reused: boolean
}

/** A load that came up short or broke integrity: the seeded data cannot be trusted. */
export class SeedError extends DelbenchError {
  constructor(message: string) {
    super(message, 1)
  }
}

/**
 * The pristine database's name: the same request always maps to the same name, so a seeded database is
 * reused across runs, and anything that changes the data (scenario definition, scale, seed, knobs,
 * delbench version) changes the name.
 */
export function seedDatabaseName(request: SeedRequest): string {
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify(
        {
          // Only what shapes the data: targets and variants select from it, they do not change it.
          name: request.scenario.name,
          referenceTime: request.scenario.referenceTime,
          tables: request.scenario.tables,
          scale: request.scale,
          seed: request.seed,
          // `--partitions off` is the tables as declared: the same data as no knob at all.
          knobs: {
            ...request.knobs,
            ...(request.knobs?.partitions === 'off' ? { partitions: undefined } : {}),
          },
          v: DELBENCH_VERSION,
        },
        // Generator functions are part of the definition: their source text stands for them.
        (_key, value: unknown) => (typeof value === 'function' ? value.toString() : value),
      ),
    )
    .digest('hex')
    .slice(0, 12)
  const slug = request.scenario.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 24)
  return `${OWN_PREFIX}seed_${slug}_${fingerprint}`
}

/**
 * Seeds a scenario into a new marked database (or reuses the identical one seeded before): tables created
 * bare, rows streamed to the dialect's bulk path in parent-first order, then keys, indexes and foreign
 * keys; row counts and FK integrity checked. A short load is an error, never a smaller data set.
 */
export async function seedScenario(
  server: DatabaseServer,
  request: SeedRequest,
  onProgress: (progress: SeedProgress) => void = () => {},
  options: {
    readonly force?: boolean
    /** Called once if another process is seeding the same database and this one waits for it. */
    readonly onWait?: () => void
    /** `false` seeds even when the estimate says the disk is too small (`--skip-disk-check`). */
    readonly diskCheck?: boolean
  } = {},
): Promise<SeedResult> {
  if (request.knobs?.fkIndex === false && !server.dialect.schema.unindexedForeignKeys) {
    throw new DelbenchError(
      `--fk-index off cannot be had on ${server.display}: InnoDB creates an index for every foreign key; measure it on PostgreSQL or SQLite`,
    )
  }
  if (request.knobs?.partitions === 'month') {
    const refused = server.dialect.schema.partitioningRefused(scenarioTables(request.scenario, request.knobs))
    if (refused) throw new DelbenchError(`--partitions month cannot be had on ${server.display}: ${refused}`)
  }
  const database = seedDatabaseName(request)
  const counts = rowCounts(request.scenario, request.scale)
  const totalRows = Object.values(counts).reduce((a, b) => a + b, 0)
  // Two processes seeding the same data at once: one seeds, the other waits and reuses it.
  return server.exclusive(
    `seed_${database}`,
    async () => {
      const existing = (await server.listDatabases(database)).find((d) => d.name === database)
      if (existing?.marked) {
        if (!options.force && (await isComplete(server, database)))
          return { database, counts, totalRows, seconds: 0, reused: true }
        // An interrupted seed (or --force): start again.
        await server.dropDatabase(database)
      }
      const started = performance.now()
      // The rows' value pools are made, and the space they need estimated, while the server creates the
      // database; a seed that cannot fit drops it again.
      let pools: ValuePools | undefined
      const conn = await server.createAndOpen(
        database,
        `seed of ${request.scenario.name} at scale ${request.scale}, seed ${request.seed}`,
        async () => {
          pools = await valuePools(request.scenario, request.seed)
          if (options.diskCheck !== false) await checkDiskSpace(server, request, pools)
        },
      )
      try {
        await load(
          conn,
          server,
          database,
          { request, counts, total: totalRows, pools: pools as ValuePools },
          onProgress,
        )
        await conn.query(
          `CREATE TABLE ${SEED_TABLE} (scenario VARCHAR(100) NOT NULL, scale VARCHAR(32) NOT NULL, seed VARCHAR(32) NOT NULL, total_rows BIGINT NOT NULL)`,
        )
        await conn.query(
          `INSERT INTO ${SEED_TABLE} (scenario, scale, seed, total_rows) VALUES ('${request.scenario.name}', '${request.scale}', '${request.seed}', ${totalRows})`,
        )
      } catch (error) {
        await conn.close()
        await server.dropDatabase(database).catch(() => {})
        throw error
      }
      // Complete: kept beyond this process's life, for later runs to reuse.
      await server.settle(database, conn).finally(() => conn.close())
      return { database, counts, totalRows, seconds: (performance.now() - started) / 1000, reused: false }
    },
    options.onWait,
  )
}

/** Values per pool the disk estimate's sample rows draw from (the first of each full pool). */
const ESTIMATE_POOL = 50

/**
 * Refuses a seed that cannot fit: the seeded copy and one working copy, estimated from sample rows,
 * against the space free where the server keeps its data (when that can be known from here).
 */
async function checkDiskSpace(
  server: DatabaseServer,
  request: SeedRequest,
  pools: ValuePools,
): Promise<void> {
  // Estimated before the free space is asked: the estimate is this process's work, done while the
  // server is busy creating the database.
  const needed =
    2 *
    estimateSeedBytes(
      request.scenario,
      request.scale,
      request.seed,
      request.knobs,
      pools.sample(ESTIMATE_POOL),
    )
  const free = await server.freeBytes()
  if (free === undefined || needed <= free) return
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e10 ? 1 : 0)} GB`
  throw new DelbenchError(
    `${request.scenario.name} at --scale ${request.scale} needs about ${gb(needed)} (the seed and one working copy) and ${server.display} has ${gb(free)} free: choose a smaller --scale, or pass --skip-disk-check if the estimate is wrong`,
  )
}

async function isComplete(server: DatabaseServer, database: string): Promise<boolean> {
  const conn = await server.openDatabase(database)
  try {
    const found = await scalar(conn, server.dialect.adapter.tableExistsSql(SEED_TABLE))
    return Number(found) > 0 && (await conn.query(`SELECT total_rows FROM ${SEED_TABLE}`)).rows.length === 1
  } finally {
    await conn.close()
  }
}

async function load(
  conn: InstrumentedConnection,
  server: DatabaseServer,
  database: string,
  what: {
    readonly request: SeedRequest
    readonly counts: Readonly<Record<string, number>>
    readonly total: number
    readonly pools: ValuePools
  },
  onProgress: (progress: SeedProgress) => void,
): Promise<void> {
  const { request, counts, total } = what
  const { dialect } = server
  const tables = scenarioTables(request.scenario, request.knobs)
  const byName = new Map(tables.map((t) => [t.name, t]))
  const order = loadOrder(tables).map((name) => byName.get(name) as TableSpec)
  const ctx = { scenario: request.scenario, seed: request.seed, counts, pools: what.pools }
  let rows = 0
  // One table's rows stream at a time: this process makes them on one thread, so two streams at once
  // only halve each other's pace. The lanes overlap the server's own work on one table (keys, indexes,
  // ANALYZE, foreign keys) with the next table's stream, and the largest table finishes loading first.
  const inTurn = oneAtATime()

  /** Creates, loads and indexes one table; the lanes run these side by side. */
  const loadOne = async (lane: InstrumentedConnection, table: TableSpec): Promise<void> => {
    const scenarioTable = request.scenario.tables.find((t) => t.name === table.name)
    if (!scenarioTable) throw new SeedError(`table ${table.name} has no definition`)
    const tableTotal = counts[table.name] ?? 0
    let tableRows = 0
    function* reported(batches: Iterable<CellValue[][]>): Generator<CellValue[][]> {
      for (const batch of batches) {
        yield batch
        tableRows += batch.length
        rows += batch.length
        onProgress({ table: table.name, tableRows, tableTotal, rows, total })
      }
    }
    // A loader that starts the table over asks for the rows again: its progress starts over too.
    const batches = () => {
      rows -= tableRows
      tableRows = 0
      return reported(rowBatches(scenarioTable, ctx))
    }
    const loaded = await inTurn(() => dialect.loadTable(lane, table, batches, constantColumns(scenarioTable)))
    if (loaded !== tableTotal)
      throw new SeedError(`loaded ${loaded} of ${tableTotal} rows into ${table.name}: the seed is incomplete`)
    for (const sql of work.buildSettings(lane, tableTotal)) await lane.query(sql)
    for (const sql of dialect.schema.indexTable(table)) await lane.query(sql)
    for (const sql of dialect.schema.analyzeTable(table)) await lane.query(sql)
  }

  // Tables have no constraints while loading, so several load at once where the database allows;
  // the largest go first so the lanes finish together.
  const queue = [...order].sort((a, b) => (counts[b.name] ?? 0) - (counts[a.name] ?? 0))
  const lanes = [
    conn,
    ...(await openSessions(server, database, Math.min(dialect.loadConnections, queue.length) - 1)),
  ]
  const work = new LaneWork(queue, counts, lanes.length, server)
  const constraints = new ForeignKeyQueue(order, (table) => dialect.schema.constrainTable(table))
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        for (const sql of dialect.loadSession.before) await lane.query(sql)
        for (let table = work.take(lane); table; table = work.take(lane)) {
          await loadOne(lane, table)
          // A lane adds the foreign keys its finished tables allow while the other loads the largest
          // table: validating them overlaps the load instead of following it.
          for (const sql of constraints.loaded(table.name)) await lane.query(sql)
        }
      }),
    )
    // What is left once every key exists (all of it where tables reference each other in a cycle);
    // validating scans each child, so the lanes share it unless there is a cycle: adding A→B locks A
    // then B, B→A locks B then A, and two lanes doing both at once deadlock. Then one lane adds them all.
    const rest = constraints.rest()
    const constraintLanes = hasForeignKeyCycle(order) ? lanes.slice(0, 1) : lanes
    await Promise.all(
      constraintLanes.map(async (lane) => {
        for (let sql = rest.shift(); sql; sql = rest.shift()) await lane.query(sql)
      }),
    )
    await Promise.all(
      lanes.map(async (lane) => {
        for (const sql of dialect.loadSession.after) await lane.query(sql)
      }),
    )
  } finally {
    for (const lane of lanes.slice(1)) await lane.close()
  }
  await verifyForeignKeys(conn, server, order)
}

/** The columns a table's generators fill with one value, by name: the loader may have the server fill them. */
function constantColumns(table: ScenarioTable): Map<string, CellValue> {
  const constants = new Map<string, CellValue>()
  for (const column of table.columns)
    if (typeof column.generate !== 'function' && column.generate.kind === 'constant')
      constants.set(column.name, column.generate.value)
  return constants
}

/** Opens `count` sessions on a database at once (each waits on the server, not on this process). */
async function openSessions(
  server: DatabaseServer,
  database: string,
  count: number,
): Promise<InstrumentedConnection[]> {
  const opened = await Promise.allSettled(
    Array.from({ length: Math.max(0, count) }, () => server.openDatabase(database)),
  )
  const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  const failed = opened.find((o) => o.status === 'rejected')
  if (!failed) return sessions
  for (const session of sessions) await session.close()
  throw failed.reason
}

/** The tables waiting for a lane and the rows each lane has in hand: how much the other lanes have left. */
class LaneWork {
  readonly #queue: TableSpec[]
  readonly #counts: Readonly<Record<string, number>>
  readonly #lanes: number
  readonly #server: DatabaseServer
  readonly #inHand = new Map<InstrumentedConnection, number>()

  constructor(
    queue: TableSpec[],
    counts: Readonly<Record<string, number>>,
    lanes: number,
    server: DatabaseServer,
  ) {
    this.#queue = queue
    this.#counts = counts
    this.#lanes = lanes
    this.#server = server
  }

  /** The next table for a lane, which holds it until it takes another (undefined: nothing is left). */
  take(lane: InstrumentedConnection): TableSpec | undefined {
    const table = this.#queue.shift()
    if (table) this.#inHand.set(lane, this.#counts[table.name] ?? 0)
    else this.#inHand.delete(lane)
    return table
  }

  /** The statements before a lane's index builds of a table of `rows` rows (see `buildCores`). */
  buildSettings(lane: InstrumentedConnection, rows: number): string[] {
    const cores = this.#server.serverCores
    const dialect = this.#server.dialect
    if (cores === undefined || !dialect.indexBuildCores) return []
    let others = this.#queue.reduce((sum, t) => sum + (this.#counts[t.name] ?? 0), 0)
    for (const [other, held] of this.#inHand) if (other !== lane) others += held
    return dialect.indexBuildCores(buildCores(cores, this.#lanes, rows, others))
  }
}

/**
 * The cores one table's index builds may spread over on a server on this machine: its lane's share while
 * the other lanes have real work left (on 2 cores with 2 lanes, builds spread over a second core cost
 * job-history's seed 1 s more of the server's CPU, measured), all of them once the others have little
 * left (under a tenth of this table's rows).
 */
export function buildCores(
  serverCores: number,
  lanes: number,
  tableRows: number,
  othersRows: number,
): number {
  return othersRows * 10 < tableRows ? serverCores : Math.max(1, Math.floor(serverCores / lanes))
}

/** Runs the functions it is given one after another, in the order given, whatever each one's outcome. */
function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve()
  return (fn) => {
    const turn = last.then(fn)
    last = turn.catch(() => {})
    return turn
  }
}

/**
 * The foreign keys of each table, handed out as soon as the table and every table it references are
 * loaded and indexed (never where tables reference each other in a cycle: those wait for `rest`).
 */
class ForeignKeyQueue {
  readonly #loaded = new Set<string>()
  readonly #pending: TableSpec[]
  readonly #cyclic: boolean
  readonly #statements: (table: TableSpec) => string[]

  constructor(tables: readonly TableSpec[], statements: (table: TableSpec) => string[]) {
    this.#pending = [...tables]
    this.#cyclic = hasForeignKeyCycle(tables)
    this.#statements = statements
  }

  /** Marks a table loaded; returns the statements that may run now. */
  loaded(table: string): string[] {
    this.#loaded.add(table)
    if (this.#cyclic) return []
    const ready = this.#pending.filter(
      (t) => this.#loaded.has(t.name) && t.foreignKeys.every((fk) => this.#loaded.has(fk.references)),
    )
    for (const t of ready) this.#pending.splice(this.#pending.indexOf(t), 1)
    return ready.flatMap((t) => this.#statements(t))
  }

  /** Every statement not handed out yet. */
  rest(): string[] {
    return this.#pending.splice(0).flatMap((t) => this.#statements(t))
  }
}

/** Whether tables reference each other in a cycle of two or more tables (a self-reference is one ALTER). */
function hasForeignKeyCycle(tables: readonly TableSpec[]): boolean {
  const parents = new Map(
    tables.map((t) => [t.name, t.foreignKeys.map((fk) => fk.references).filter((p) => p !== t.name)]),
  )
  const state = new Map<string, 'open' | 'done'>()
  const visit = (name: string): boolean => {
    if (state.get(name) === 'done') return false
    if (state.get(name) === 'open') return true
    state.set(name, 'open')
    const cyclic = (parents.get(name) ?? []).some(visit)
    state.set(name, 'done')
    return cyclic
  }
  return tables.some((t) => visit(t.name))
}

/**
 * Checks every FK for orphans where the database has not validated them itself: a generator that
 * referenced a missing parent fails here instead of producing a database no ORM could have made.
 * (Row counts were checked against what the server reported loading.)
 */
async function verifyForeignKeys(
  conn: InstrumentedConnection,
  server: DatabaseServer,
  tables: readonly TableSpec[],
): Promise<void> {
  if (server.dialect.schema.validatesForeignKeys) return
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      const orphans = await countOrphans(conn, server.dialect.adapter, table.name, fk)
      if (orphans > 0)
        throw new SeedError(
          `${orphans} rows of ${table.name} reference missing ${fk.references} rows (${fk.columns.join(', ')})`,
        )
    }
  }
}
