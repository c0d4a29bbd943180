/**
 * `--replica`: lag measured on a PostgreSQL standby and a MariaDB replica (the local servers of
 * scripts/local-replication.sh), throttled-batched pausing on it, and the faults: a replica stopped
 * mid-run, a replica URL that does not answer, a server that is not a replica of its primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DriverSession } from '../db/connection.js'
import { DatabaseServer } from '../db/database-server.js'
import { parseDatabaseSpec, type ServerAddress } from '../db/database-url.js'
import { openPostgresSession } from '../db/postgres/postgres-driver.js'
import { openMysqlSession } from '../db/mysql/mysql-driver.js'
import { openServer } from '../db/open-server.js'
import { closeReplicas, type ReplicaTarget } from '../runner/replication-monitor.js'
import { openReplicas, pairReplicas } from '../runner/replicas.js'
import { runIterations, type IterationHooks } from '../runner/run-iterations.js'
import { statusOf } from '../runner/run-record.js'
import { replicationRecord } from '../runner/replication-record.js'
import { seedAndPrepare, type PreparedScenario } from '../runner/run-strategy.js'
import { errorLog } from '../scenarios/builtins/error-log.js'
import { BUILTIN_STRATEGIES } from '../strategies/builtins.js'
import type { Strategy, StrategyOptions } from '../strategies/strategy.js'
import { lines, runCli } from './support/run-cli.js'
import { IN_CI, REPLICATION_ENV, replicationPair } from './support/servers.js'
import { tempFolder } from './support/temp-folders.js'

const strategy = (name: string): Strategy => BUILTIN_STRATEGIES.find((s) => s.name === name) as Strategy

/** Small batches, so a run has many of them and a replica can be stopped between two. */
const OPTIONS: StrategyOptions = {
  batchSize: 500,
  sleepMs: 0,
  workers: 2,
  chunkTimeMs: 500,
  maxLagMs: 500,
  lagWaitMs: 1500,
}

/** Stops and restarts a replica's replication (PostgreSQL: replay paused; MariaDB: the SQL thread). */
const REPLICATION_SWITCH = {
  postgres: { stop: 'SELECT pg_wal_replay_pause()', start: 'SELECT pg_wal_replay_resume()' },
  mysql: { stop: 'STOP SLAVE SQL_THREAD', start: 'START SLAVE SQL_THREAD' },
} as const

async function adminSession(dialect: 'postgres' | 'mysql', address: ServerAddress): Promise<DriverSession> {
  return dialect === 'postgres'
    ? openPostgresSession(address, address.adminDatabase ?? 'postgres')
    : openMysqlSession(address, undefined)
}

function addressOf(url: string): ServerAddress {
  const spec = parseDatabaseSpec(url)
  if (!('address' in spec)) throw new Error(`${url} is not a server URL`)
  return spec.address
}

describe('the replication record and --replica pairing', () => {
  it('takes lag percentiles over every iteration, unknown samples apart, the worst catch-up, the first timeline', () => {
    const iteration = (samples: [number, number | null, number | null][], catchUpMs: number | null) => [
      { replica: 'r', samples, catchUpMs, method: 'm' },
    ]
    const [record] = replicationRecord([
      iteration(
        [
          [0, 0, 0],
          [100, 300, null],
          [200, null, null],
        ],
        40,
      ),
      iteration([[0, 100, 1000]], 90),
    ])
    expect(record).toEqual({
      replica: 'r',
      lagMs: { p50: 100, p99: 300, max: 300 },
      unknownSamples: 1,
      serverLagMaxMs: 1000,
      catchUpMs: 90,
      timeline: [
        [0, 0, 0],
        [100, 300, null],
        [200, null, null],
      ],
      method: 'm',
    })
    expect(replicationRecord([iteration([], null)])[0]?.catchUpMs).toBeNull()
  })

  it('pairs a replica with the --db of its kind, or the N-th --db when written N:URL', () => {
    const pg = parseDatabaseSpec('postgres://postgres@127.0.0.1:55432/postgres')
    const my = parseDatabaseSpec('mysql://root@127.0.0.1:53306/')
    expect(pairReplicas([pg, my], ['mysql://root@127.0.0.1:53307/', 'postgres://p@h:1/x'])).toEqual([
      ['postgres://p@h:1/x'],
      ['mysql://root@127.0.0.1:53307/'],
    ])
    expect(pairReplicas([pg, pg], ['2:postgres://p@h:1/x'])).toEqual([[], ['postgres://p@h:1/x']])
    expect(() => pairReplicas([pg, pg], ['postgres://p@h:1/x'])).toThrow(/several --db of its kind/)
    expect(() => pairReplicas([pg], ['2:postgres://p@h:1/x'])).toThrow(/no --db number 2/)
    expect(() => pairReplicas([my], ['1:postgres://p@h:1/x'])).toThrow(/not of the kind/)
  })
})

describe('replica refusals before any work', () => {
  it('refuses --replica on SQLite in one line, exit 2', async () => {
    const folder = tempFolder('replica-sqlite')
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${folder}`,
      '--replica',
      `sqlite:${folder}`,
      '--scenario',
      'error-log',
    ])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/--replica .*sqlite has no replication delbench can measure/),
    ])
  })

  it('refuses a replica with no --db of its kind', async () => {
    const result = await runCli([
      'run',
      '--db',
      `sqlite:${tempFolder('replica-kind')}`,
      '--replica',
      'postgres://postgres@127.0.0.1:1/postgres',
    ])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/no --db of its kind/)])
  })
})

for (const dialect of ['postgres', 'mysql'] as const) {
  const pair = replicationPair(dialect)
  const product = REPLICATION_ENV[dialect].product
  describe.skipIf(pair === undefined && !IN_CI)(`replication lag on ${product}`, () => {
    let server: DatabaseServer | undefined
    let prepared: PreparedScenario | undefined
    let replicas: ReplicaTarget[] = []
    let admin: DriverSession | undefined
    const need = () => {
      if (!pair)
        throw new Error(
          `${REPLICATION_ENV[dialect].primary} and ${REPLICATION_ENV[dialect].replica} are not set: under CI=true the replication tests must run (eval "$(scripts/local-replication.sh start)")`,
        )
      return pair
    }

    beforeAll(async () => {
      const { primary, replica } = need()
      server = await openServer(parseDatabaseSpec(primary))
      const { capabilities } = await server.describe()
      prepared = await seedAndPrepare(server, capabilities, { scenario: errorLog, scale: 0.01, seed: 181 })
      replicas = await openReplicas(parseDatabaseSpec(primary), [replica])
      admin = await adminSession(dialect, addressOf(replica))
    }, 60_000)

    afterAll(async () => {
      await admin?.execute(REPLICATION_SWITCH[dialect].start, []).catch(() => {})
      await admin?.close()
      await closeReplicas(replicas)
      if (prepared) await server?.dropDatabase(prepared.pristine).catch(() => {})
      await server?.close()
    })

    /** One iteration with the replica measured; `stopAtFirstBatch` stops its replication mid-run. */
    async function run(name: string, stopAtFirstBatch = false) {
      if (!prepared) throw new Error('not prepared')
      const working = DatabaseServer.uniqueName(`test_repl_${name}`)
      let stopped: Promise<unknown> | undefined
      const hooks: IterationHooks = {
        progress: () => {
          if (stopAtFirstBatch)
            stopped ??= (admin as DriverSession).execute(REPLICATION_SWITCH[dialect].stop, [])
        },
      }
      try {
        const outcome = await runIterations(
          {
            prepared,
            strategy: strategy(name),
            options: OPTIONS,
            working,
            policy: { kind: 'exact', iterations: 1 },
            replicas,
          },
          hooks,
        )
        await stopped
        const [iteration] = outcome.iterations
        if (!iteration) throw new Error(outcome.harnessError ?? 'no iteration completed')
        const [record] = replicationRecord([iteration.replication ?? []])
        if (!record) throw new Error('no replication record')
        // Restored by rows or a template, never by files a replica cannot see (its replication would stop).
        expect(iteration.restore.method).not.toBe('tablespace')
        return { ...statusOf([iteration]), record, figures: iteration.figures }
      } finally {
        if (stopAtFirstBatch) await admin?.execute(REPLICATION_SWITCH[dialect].start, [])
        await prepared.server.dropDatabase(working).catch(() => {})
      }
    }

    it('measures lag on the replica during naive-bulk, batched and throttled-batched, and their catch-up', async () => {
      for (const name of ['naive-bulk', 'batched', 'throttled-batched']) {
        const { status, error, record } = await run(name)
        expect(status, `${name}: ${error ?? ''}`).toBe('ok')
        expect(record.replica).toBe(parseDatabaseSpec(need().replica).display)
        expect(record.method).toMatch(/heartbeat/)
        expect(record.unknownSamples).toBe(0)
        expect(record.lagMs.max).not.toBeNull()
        expect(record.catchUpMs).not.toBeNull()
        // The timeline ends where the replica caught up.
        expect(record.timeline.at(-1)?.[1]).toBe(0)
      }
    })

    it('a replica stopped mid-run: lag unknown, recorded as such; batched still finishes correctly', async () => {
      const { status, error, record } = await run('batched', true)
      expect(status, error).toBe('ok')
      expect(record.unknownSamples).toBeGreaterThan(0)
      expect(record.timeline.some(([, lag]) => lag === null)).toBe(true)
      // It never caught up within --lag-wait while stopped.
      expect(record.catchUpMs).toBeNull()
    })

    it('a replica stopped mid-run: throttled-batched pauses, then fails in one line after --lag-wait', async () => {
      const { status, error, figures } = await run('throttled-batched', true)
      expect(status).toBe('failed')
      expect(error).toMatch(/^gave up after pausing 1\.5 s \(--lag-wait\): a replica's lag is unknown/)
      expect(error).not.toContain('\n')
      expect(figures['lagPauses']).toBeGreaterThanOrEqual(1)
    })

    it('refuses a replica URL that does not answer, in one line, exit 2, before any work', async () => {
      const result = await runCli([
        'run',
        '--db',
        need().primary,
        '--replica',
        `${dialect}://root@127.0.0.1:1/`,
        '--scenario',
        'error-log',
        '--strategy',
        'batched',
      ])
      expect(result.code).toBe(2)
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/^delbench: --replica .*127\.0\.0\.1:1/)])
    })

    it('refuses a server that is not a replica of the primary (here: the primary itself)', async () => {
      const result = await runCli([
        'run',
        '--db',
        need().primary,
        '--replica',
        need().primary,
        '--scenario',
        'error-log',
        '--strategy',
        'batched',
      ])
      expect(result.code).toBe(2)
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/is not a replica of .*: it is not a/)])
    })
  })
}
