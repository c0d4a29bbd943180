import type { ExternalTool } from '../db/dialect.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { checkAbort } from '../core/abort.js'
import type { ClientDetails } from '../db/client-details.js'
import { inlineParameters } from '../db/placeholders.js'
import { selfEdges, type DeletionPlan } from '../scenarios/deletion-plan.js'
import { affectedCondition } from '../scenarios/target-sql.js'
import { installed, runProgram } from './external-program.js'
import {
  addArchiverStatistics,
  archiverStatements,
  parseArchiverStatistics,
  type ArchiverStatistics,
} from './pt-archiver-statistics.js'
import type { Strategy, StrategyContext } from './strategy.js'
import { touchAllTargets } from './strategy-sql.js'

const PROGRAM: ExternalTool = 'pt-archiver'

/**
 * Percona's pt-archiver, the tool MySQL operators run for this job, on the working copy: `--purge
 * --where … --limit N --commit-each`, one invocation per table, the target's dependents first (it deletes
 * from one table and knows no FK graph). Callbacks are applied set-based before it starts (it runs none).
 * Its `--statistics` become the run's statement counts and figures.
 */
export const ptArchiver: Strategy = {
  name: PROGRAM,
  description:
    'Percona pt-archiver --purge per table, dependents first: chunks of batch-size rows, a commit each, row-by-row DELETEs (or --bulk-delete)',
  reads: ['batchSize', 'bulkDelete'],
  ownClient: true,
  unsupported: (dialect, _capabilities, plan) => {
    if (!dialect.externalTools.has(PROGRAM) || !dialect.adapter.literal)
      return 'pt-archiver speaks the MySQL protocol only (MySQL, MariaDB)'
    return planRefusal(plan) ?? (installed(PROGRAM) ? undefined : toolMissing())
  },
  async run(ctx) {
    const client = ctx.client()
    if (!ctx.dialect.externalTools.has(PROGRAM) || !('host' in client))
      throw new Error('pt-archiver needs a MySQL server')
    await touchAllTargets(ctx)
    // A private folder for the password file, only where there is a password.
    const folder =
      client.password === undefined
        ? undefined
        : await mkdtemp(path.join(os.tmpdir(), 'delbench-pt-archiver-'))
    try {
      const defaults = folder && (await optionsFile(folder, client.password ?? ''))
      const env = autoflushEnvironment()
      let total: ArchiverStatistics | undefined
      let deletedBefore = 0
      for (const step of ctx.plan.steps) {
        checkAbort(ctx.abort)
        const stats = await archiveTable(ctx, { client, defaults, env }, step.table, (rows) =>
          ctx.progress(deletedBefore + rows),
        )
        deletedBefore += stats.rows.delete
        ctx.progress(deletedBefore)
        total = total ? addArchiverStatistics(total, stats) : stats
      }
      if (total) recordStatistics(ctx, total)
    } finally {
      if (folder) await rm(folder, { recursive: true, force: true })
    }
  },
}

/** Why the plan is beyond pt-archiver: it deletes rows by key, one table at a time, and updates none. */
function planRefusal(plan: DeletionPlan): string | undefined {
  const nulled = plan.steps.find((s) => s.action === 'set null')
  if (nulled) return `pt-archiver deletes rows only: it cannot null ${nulled.table}'s references (set null)`
  const tree = plan.steps.find((s) => selfEdges(s).length > 0)
  if (tree) return `${tree.table} references itself: pt-archiver cannot delete a subtree leaves first`
  const keyless = plan.steps.find((s) => s.primaryKey.length === 0)
  if (keyless) return `${keyless.table} has no primary key: pt-archiver ascends a key to chunk its rows`
  return undefined
}

function toolMissing(): string {
  return 'pt-archiver is not installed (Debian/Ubuntu: apt-get install percona-toolkit)'
}

/** The step's affected rows as a `--where` (values written in: the tool takes SQL text). */
function whereOf(ctx: StrategyContext, table: string): string {
  const step = ctx.plan.steps.find((s) => s.table === table && s.action === 'delete')
  if (!step) throw new Error(`plan has no delete step for ${table}`)
  const condition = affectedCondition(ctx.plan, step, ctx.target.where, ctx.target.params)
  const where = inlineParameters(condition.sql, condition.params, ctx.dialect.adapter)
  if (where === undefined) throw new Error('the dialect writes no SQL literals')
  return where
}

/**
 * A MySQL options file holding the password (mode 0600, in a private folder): the tool reads it through
 * the DSN's `F=`, so the password is never on its command line.
 */
async function optionsFile(folder: string, password: string): Promise<string> {
  const file = path.join(folder, 'client.cnf')
  const quoted = password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  await writeFile(file, `[client]\npassword="${quoted}"\n`, { mode: 0o600 })
  return file
}

/**
 * The environment that makes the tool's `--progress` lines arrive as it prints them: Perl buffers a
 * pipe's output until exit, so autoflush is switched on before the tool starts (PERL5OPT's `-M` takes
 * code after the module's name; it may hold no spaces).
 */
function autoflushEnvironment(): NodeJS.ProcessEnv {
  const autoflush = '-MIO::Handle;STDOUT->autoflush(1)'
  const before = process.env.PERL5OPT
  return { ...process.env, PERL5OPT: before ? `${autoflush} ${before}` : autoflush }
}

/** How each invocation reaches the working database: its address, password file and environment. */
interface Invocation {
  readonly client: Extract<ClientDetails, { host: string }>
  readonly defaults: string | undefined
  readonly env: NodeJS.ProcessEnv
}

/** One `pt-archiver --purge` over one table; resolves to its statistics. */
async function archiveTable(
  ctx: StrategyContext,
  { client, defaults, env }: Invocation,
  table: string,
  onProgress: (rows: number) => void,
): Promise<ArchiverStatistics> {
  const where = whereOf(ctx, table)
  const dsn = [
    `h=${client.host}`,
    `P=${client.port}`,
    `u=${client.user}`,
    `D=${client.database}`,
    `t=${table}`,
    ...(defaults ? [`F=${defaults}`] : []),
  ]
  if (dsn.some((part) => part.includes(',')))
    throw new Error('pt-archiver DSN parts cannot hold a comma (host, user or database name)')
  const limit = ctx.options.batchSize
  const args = [
    '--source',
    dsn.join(','),
    '--purge',
    '--where',
    where,
    '--limit',
    String(limit),
    '--commit-each',
    '--statistics',
    // Progress every ten chunks, for the run's progress curve and a timeout's projection.
    '--progress',
    String(limit * 10),
    // The row holding the highest AUTO_INCREMENT value is kept by default (so a restart cannot reuse
    // it); the target includes it here, and the verifier expects every target row gone.
    '--no-safe-auto-increment',
    '--no-check-charset',
    ...(ctx.options.bulkDelete ? ['--bulk-delete'] : []),
  ]
  const output = await runProgram(PROGRAM, args, {
    env,
    abort: ctx.abort,
    onLine: (line) => {
      const progress = /^\S+\s+\d+\s+(\d+)\s*$/.exec(line)
      if (progress) onProgress(Number(progress[1]))
    },
  })
  const stats = parseArchiverStatistics(output)
  if (!stats) throw new Error(`pt-archiver printed no statistics for ${table}`)
  const statements = archiverStatements(stats)
  ctx.reportStatements(statements, 'pt-archiver --statistics: its fetches, deletes and commits')
  return stats
}

/** The tool's own figures, summed over its invocations: rows, and each action's count and time. */
function recordStatistics(ctx: StrategyContext, stats: ArchiverStatistics): void {
  ctx.record('ptArchiverRowsSelected', stats.rows.select)
  ctx.record('ptArchiverRowsDeleted', stats.rows.delete)
  for (const [name, action] of Object.entries(stats.actions)) {
    const figure = `ptArchiver${name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`
    // `other` is time outside the tool's actions: its count is always 0.
    if (name !== 'other') ctx.record(`${figure}Count`, action.count)
    ctx.record(`${figure}Ms`, Math.round(action.seconds * 1000 * 10) / 10)
  }
}
