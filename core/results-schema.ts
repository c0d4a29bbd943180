import { z } from 'zod'
import { COPY_METHODS } from './copy-method.js'

/**
 * The results file: a contract that CI and other tools read. Field names are fixed;
 * fields may be added, but a rename or removal bumps `schemaVersion`. The JSON Schema published in
 * `reports/results.schema.json` is generated from this (`npm run schema`) and checked by a test.
 */
export const RESULTS_SCHEMA_VERSION = 1

const statementCounts = z.object({
  select: z.number().int().min(0),
  insert: z.number().int().min(0),
  update: z.number().int().min(0),
  delete: z.number().int().min(0),
  begin: z.number().int().min(0),
  commit: z.number().int().min(0),
  rollback: z.number().int().min(0),
  other: z.number().int().min(0),
  total: z.number().int().min(0),
})

const timing = z.object({
  samples: z.array(z.number().min(0)).describe('milliseconds, one per iteration, in run order'),
  min: z.number().min(0),
  median: z.number().min(0),
  mean: z.number().min(0),
  max: z.number().min(0),
  rme: z
    .number()
    .min(0)
    .describe('relative margin of error of the mean (95%), percent, upper outliers set aside like the mean'),
  outliers: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "samples above Tukey's upper fence (Q3 + 1.5 IQR), left out of mean and rme (median, min and max keep them)",
    ),
})

const database = z.object({
  kind: z.enum(['sqlite', 'postgres', 'mysql', 'mariadb']),
  url: z.string().describe('redacted: never a password'),
  product: z.string(),
  version: z.string(),
  settings: z.record(z.string(), z.string()).describe('durability and isolation settings in force'),
})

const statementKind = z.enum(['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'other'])

const statementProfile = z
  .object({
    covers: z
      .enum(['first-iteration', 'unfinished-first-iteration'])
      .describe(
        'the iteration the profile measured: the first, or for a run stopped by its budget before any iteration finished, the first as far as it got',
      ),
    underWay: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'statements still running when an unfinished iteration was stopped, counted with their time so far',
      ),
    iterationMs: z.number().min(0).describe('the strategy’s time in that iteration'),
    statementsMs: z.number().min(0).describe('time inside statements, summed over every connection'),
    outsideStatementsMs: z
      .number()
      .min(0)
      .describe(
        'the iteration’s time outside statements: client work, sleeps, waiting (0 where parallel statements overlap)',
      ),
    templates: z.array(
      z.object({
        template: z.string().describe('the statement with literals, placeholders and value lists collapsed'),
        kind: statementKind,
        calls: z.number().int().min(0),
        totalMs: z.number().min(0),
        meanMs: z.number().min(0),
        p95Ms: z.number().min(0),
        maxMs: z.number().min(0),
        rows: z.number().int().min(0).describe('affected (writes) or returned (reads), summed'),
        share: z.number().min(0).describe('totalMs over the iteration’s time'),
      }),
    ),
    omitted: z
      .object({
        templates: z.number().int().min(0),
        calls: z.number().int().min(0),
        totalMs: z.number().min(0),
      })
      .optional()
      .describe('templates beyond the 50 with most time, summed'),
  })
  .describe(
    'statements of the strategy’s connections grouped by template, most time first, timed on the client',
  )

export const runSchema = z.object({
  database: z.object({ kind: database.shape.kind, url: z.string() }),
  scenario: z.string(),
  strategy: z.string(),
  scale: z.number().positive(),
  options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  status: z.enum(['ok', 'failed', 'timeout', 'unsupported', 'wrong-result']),
  error: z.string().optional().describe('one line, where status is not ok'),
  iterations: z.number().int().min(0),
  iterationStop: z
    .object({
      reason: z.enum(['iterations', 'target-rme', 'max-iterations', 'budget', 'failure', 'hopeless']),
      detail: z.string(),
    })
    .optional()
    .describe(
      'why iteration stopped: all N ran (--iterations N), the margin of error reached its target, the maximum ran, the budget could not hold another (or ended one), a failed or wrong iteration, or a projection several budgets long (stopped early)',
    ),
  timing: timing.optional(),
  statements: statementCounts.optional().describe('per iteration'),
  roundTrips: z.number().int().min(0).optional(),
  statementsSource: z
    .object({
      source: z
        .enum(['tool', 'server', 'none'])
        .describe(
          'tool: the client’s own report plus delbench’s connection; server: the server’s statement counters over the run; none: delbench’s connection only',
        ),
      note: z.string(),
    })
    .optional()
    .describe(
      'where `statements` came from, for a strategy that drives a client of its own (an external program, an ORM)',
    ),
  statementsStable: z.boolean().optional().describe('identical counts in every iteration'),
  rowsDeleted: z.record(z.string(), z.number().int()).optional(),
  profile: statementProfile.optional(),
  plans: z
    .array(
      z.object({
        template: z.string(),
        plan: z
          .string()
          .describe(
            'the database’s plan: executed once and timed where `analyzed` (EXPLAIN ANALYZE in a transaction rolled back, on a fresh working copy), else not executed (EXPLAIN / EXPLAIN QUERY PLAN)',
          ),
        analyzed: z.boolean().optional().describe('the plan was measured by running one call, rolled back'),
        flags: z.array(
          z.object({
            kind: z.enum([
              'repeated-full-scan',
              'unindexed-foreign-key',
              'nested-loop-full-scan',
              'sort-spill',
            ]),
            table: z.string(),
            column: z.string().nullable(),
            fix: z.string().describe('the index that would fix it'),
            message: z.string(),
            evidence: z
              .string()
              .optional()
              .describe(
                'what the analyzed plan measured of it (a foreign key’s trigger time, a sort’s disk use)',
              ),
            evidenceMs: z
              .number()
              .min(0)
              .optional()
              .describe('the time the analyzed call spent on it (the foreign key’s check or cascade), ms'),
            statementMs: z.number().min(0).optional().describe('the analyzed call’s whole time, ms'),
          }),
        ),
      }),
    )
    .optional()
    .describe(
      'each statement template of the first iteration explained once, with what a reviewer should act on',
    ),
  work: z
    .object({
      scope: z
        .enum(['sessions', 'database'])
        .describe('summed over the strategy’s sessions, or the whole working database'),
      counters: z
        .record(z.string(), z.number())
        .nullable()
        .describe('the server’s counters after the first iteration minus before it; null where unavailable'),
      deterministic: z
        .array(z.string())
        .describe('counters that are the same run after run for the same strategy, data and server version'),
      stable: z.boolean().optional().describe('the deterministic counters were identical in every iteration'),
      note: z.string().describe('what the counters cover, or why there are none'),
    })
    .optional()
    .describe('the database’s own count of the deletion’s work'),
  clientCpuMs: z
    .array(z.number().min(0))
    .optional()
    .describe(
      'CPU time (user + system) of the process running the strategy in each timed iteration, ms: the client’s own work, SQLite’s engine included',
    ),
  memory: z
    .object({
      peakRssBytes: z.number().int().min(0),
      peakHeapBytes: z.number().int().min(0),
      note: z.string(),
    })
    .optional(),
  signals: z.object({ sent: z.number().int().min(0), delivered: z.number().int().min(0) }).optional(),
  figures: z
    .record(z.string(), z.number())
    .optional()
    .describe(
      'figures the strategy recorded of its own in the first iteration (copy-swap: writesBlockedMs, the time writers waited on its lock)',
    ),
  batches: z
    .array(
      z.object({
        atMs: z.number().min(0).describe('when the batch ended, ms from the strategy’s start'),
        size: z.number().int().min(0).describe('the target rows it was given'),
        rows: z.number().int().min(0).describe('the target rows it found'),
        ms: z.number().min(0).describe('its time: selecting the keys and the deleting transaction'),
      }),
    )
    .optional()
    .describe(
      'each batch of a loop that sizes its batches as it goes (adaptive-batched), first iteration: its trajectory',
    ),
  backlog: z
    .array(z.tuple([z.number().min(0), z.number().int().min(0)]))
    .optional()
    .describe(
      'work the strategy left for later over the first iteration, [ms from its start, queue length] (loose-fk: parent keys whose dependents are not yet cleaned up)',
    ),
  restore: z
    .object({
      method: z.enum(COPY_METHODS).describe("how the first iteration's working copy was restored"),
      methods: z
        .array(z.enum(COPY_METHODS))
        .optional()
        .describe("how each iteration's working copy was restored, in run order (beside `seconds`)"),
      seconds: z.array(z.number().min(0)),
    })
    .optional(),
  projection: z
    .object({
      rowsDeleted: z.number().int().min(0),
      elapsedMs: z.number().min(0),
      rowsPerSecond: z.number().min(0),
      rowsExpected: z.number().int().min(0),
      projectedMs: z.number().min(0).nullable(),
    })
    .optional(),
  progress: z
    .array(z.tuple([z.number().min(0), z.number().int().min(0)]))
    .optional()
    .describe(
      'rows deleted over time in the first iteration, [milliseconds, rows] about every 200 ms, from [0, 0]; for a timeout, until it was stopped',
    ),
  verification: z.object({ ok: z.boolean(), problems: z.array(z.string()) }).optional(),
  machine: z
    .object({
      cpu: z.object({ model: z.string(), count: z.number().int() }),
      memoryBytes: z.number().int(),
      os: z.string(),
      nodeVersion: z.string(),
      delbenchVersion: z.string(),
      gitCommit: z.string().nullable(),
      commandLine: z.string().describe('redacted'),
      startedAt: z.string(),
    })
    .optional()
    .describe('where a merged run ran (delbench merge of shards): its own environment'),
  databaseCost: z
    .object({
      logBytes: z
        .number()
        .min(0)
        .nullable()
        .describe('WAL / redo bytes written during the deletion (first iteration)'),
      tableBytesBefore: z.number().min(0),
      tableBytesAfter: z.number().min(0),
      tableBytesAfterReclaim: z.number().min(0),
      reclaimSeconds: z.number().min(0),
      reclaim: z.string().describe('the statements that reclaimed the space'),
      note: z.string(),
    })
    .optional(),
  foreground: z
    .array(
      z.object({
        name: z.string(),
        rate: z.number().positive().describe('intended operations per second, open loop'),
        intended: z.number().int().min(0),
        completed: z.number().int().min(0),
        pending: z.number().int().min(0),
        errors: z.record(z.string(), z.number().int().min(0)),
        firstError: z.string().optional().describe('the first failed operation’s message (redacted)'),
        p50Ms: z.number().min(0),
        p99Ms: z.number().min(0),
        maxMs: z.number().min(0),
      }),
    )
    .optional()
    .describe(
      'latency of foreground traffic during the deletion, from each operation’s intended start (worst iteration)',
    ),
  replication: z
    .array(
      z.object({
        replica: z.string().describe('the replica’s URL, redacted'),
        lagMs: z
          .object({
            p50: z.number().min(0).nullable(),
            p99: z.number().min(0).nullable(),
            max: z.number().min(0).nullable(),
          })
          .describe(
            'replication lag over the timed iterations’ samples (about every 100 ms); null if none known',
          ),
        unknownSamples: z
          .number()
          .int()
          .min(0)
          .describe('samples whose lag was unknown: the replica unreadable, or its replication stopped'),
        serverLagMaxMs: z
          .number()
          .min(0)
          .nullable()
          .describe('the highest lag the server itself reported over the same samples'),
        catchUpMs: z
          .number()
          .min(0)
          .nullable()
          .describe(
            'from the strategy’s end until the replica had applied everything (worst iteration); null if it did not within the wait limit',
          ),
        timeline: z
          .array(z.tuple([z.number().min(0), z.number().min(0).nullable(), z.number().min(0).nullable()]))
          .describe(
            '[ms since the strategy started, heartbeat lag ms or null if unknown, server-reported lag ms or null] in the first iteration, through its catch-up',
          ),
        method: z.string().describe('how lag was measured'),
      }),
    )
    .optional()
    .describe('replication lag on each --replica during the deletion'),
})

export const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  environment: z.object({
    delbenchVersion: z.string(),
    nodeVersion: z.string(),
    os: z.string(),
    cpu: z.object({ model: z.string(), count: z.number().int() }),
    memoryBytes: z.number().int(),
    gitCommit: z.string().nullable(),
    commandLine: z.string().describe('redacted'),
    startedAt: z.string(),
    finishedAt: z.string(),
    databases: z.array(database),
    interrupted: z.boolean(),
  }),
  runs: z.array(runSchema),
})

export type RunRecord = z.infer<typeof runSchema>
export type ResultsDocument = z.infer<typeof resultsSchema>

/** The JSON Schema of the results file, as published. */
export function resultsJsonSchema(): unknown {
  return { title: 'delbench results', ...z.toJSONSchema(resultsSchema) }
}
