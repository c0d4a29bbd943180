import type { Scenario } from '../scenario.js'
import { sequenceId } from './columns.js'
import { risingCutoff, risingTimestamp } from './oldest-fraction.js'

const JOBS = 100_000
const SPAN_DAYS = 365
const TARGET_FRACTION = 0.9
/** The newest 1% of jobs are still running: not finished, never targets. */
const RUNNING_FRACTION = 0.01

const isRunning = (index: number, count: number): boolean =>
  index >= Math.floor(count * (1 - RUNNING_FRACTION))

/**
 * Field report 1: a job runner's history cleanup. Jobs use multi-table inheritance (`unified_jobs` parent
 * row, `jobs` child row sharing its key); credential links, one launch config, ~3 host summaries and ~10
 * events per job reference them. The database's FKs restrict (the ORM cascades itself), so a plain
 * DELETE fails; the collector loads everything; the fix deleted children first with sub-queries.
 */
export const jobHistory: Scenario = {
  name: 'job-history',
  description:
    'report 1: delete the oldest 90% of finished jobs with their inheritance rows, links, configs, summaries and events',
  referenceTime: '2026-01-01T00:00:00Z',
  tables: [
    {
      name: 'credentials',
      primaryKey: 'id',
      rows: 1000,
      columns: [
        sequenceId(),
        {
          name: 'name',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'internet.domainName', poolSize: 1000 },
        },
        {
          name: 'kind',
          type: 'varchar',
          length: 32,
          generate: { kind: 'choice', values: ['ssh', 'vault', 'cloud', 'scm'] },
        },
      ],
    },
    {
      name: 'unified_jobs',
      primaryKey: 'id',
      rows: JOBS,
      indexes: [{ columns: ['finished'] }],
      columns: [
        sequenceId(),
        {
          name: 'name',
          type: 'varchar',
          length: 512,
          generate: { kind: 'faker', method: 'hacker.phrase', poolSize: 2000 },
        },
        {
          name: 'status',
          type: 'varchar',
          length: 20,
          generate: (row) =>
            isRunning(row.index, row.count)
              ? 'running'
              : row.random.pick(['successful', 'successful', 'successful', 'failed', 'canceled']),
        },
        {
          name: 'launch_type',
          type: 'varchar',
          length: 20,
          generate: { kind: 'choice', values: ['manual', 'scheduled', 'callback', 'workflow'] },
        },
        { name: 'created', type: 'timestamp', generate: risingTimestamp(SPAN_DAYS) },
        {
          name: 'finished',
          type: 'timestamp',
          nullable: true,
          generate: (row) => (isRunning(row.index, row.count) ? null : risingTimestamp(SPAN_DAYS)(row)),
        },
      ],
    },
    {
      name: 'jobs',
      primaryKey: 'unified_job_id',
      rows: { per: 1, of: 'unified_jobs' },
      foreignKeys: [
        { column: 'unified_job_id', references: 'unified_jobs', onDelete: 'restrict', indexed: true },
      ],
      columns: [
        sequenceId('unified_job_id'),
        {
          name: 'playbook',
          type: 'varchar',
          length: 1024,
          generate: { kind: 'faker', method: 'system.filePath', poolSize: 500 },
        },
        {
          name: 'job_type',
          type: 'varchar',
          length: 64,
          generate: { kind: 'choice', values: ['run', 'check'], weights: [9, 1] },
        },
        { name: 'forks', type: 'integer', generate: { kind: 'choice', values: [0, 5, 10, 50] } },
        {
          name: 'extra_vars',
          type: 'text',
          generate: {
            kind: 'json',
            fields: {
              env: { kind: 'choice', values: ['prod', 'stage', 'dev'] },
              retries: { kind: 'int', min: 0, max: 3 },
            },
          },
        },
      ],
    },
    {
      name: 'unified_job_credentials',
      primaryKey: 'id',
      rows: { per: 2, of: 'unified_jobs' },
      foreignKeys: [
        { column: 'unified_job_id', references: 'unified_jobs', onDelete: 'restrict', indexed: true },
        { column: 'credential_id', references: 'credentials', onDelete: 'restrict', indexed: true },
      ],
      columns: [
        sequenceId(),
        {
          name: 'unified_job_id',
          type: 'integer',
          generate: { kind: 'parent', table: 'unified_jobs', per: 2 },
        },
        {
          name: 'credential_id',
          type: 'integer',
          generate: { kind: 'parent', table: 'credentials', distribution: 'uniform' },
        },
      ],
    },
    {
      name: 'job_launch_configs',
      primaryKey: 'id',
      rows: { per: 1, of: 'jobs' },
      foreignKeys: [{ column: 'job_id', references: 'jobs', onDelete: 'restrict', indexed: true }],
      columns: [
        sequenceId(),
        { name: 'job_id', type: 'integer', generate: { kind: 'parent', table: 'jobs', per: 1 } },
        {
          name: 'extra_data',
          type: 'text',
          generate: {
            kind: 'json',
            fields: {
              limit: { kind: 'faker', method: 'internet.domainName', poolSize: 200 },
              verbosity: { kind: 'int', min: 0, max: 4 },
            },
          },
        },
      ],
    },
    {
      name: 'job_host_summaries',
      primaryKey: 'id',
      rows: { per: 3, of: 'jobs' },
      foreignKeys: [{ column: 'job_id', references: 'jobs', onDelete: 'restrict', indexed: true }],
      columns: [
        sequenceId(),
        { name: 'job_id', type: 'integer', generate: { kind: 'parent', table: 'jobs', per: 3 } },
        {
          name: 'host_name',
          type: 'varchar',
          length: 1024,
          generate: { kind: 'faker', method: 'internet.domainName', poolSize: 2000 },
        },
        { name: 'ok', type: 'integer', generate: { kind: 'int', min: 0, max: 50 } },
        { name: 'changed', type: 'integer', generate: { kind: 'int', min: 0, max: 20 } },
        { name: 'failures', type: 'integer', generate: { kind: 'choice', values: [0, 0, 0, 1, 2] } },
      ],
    },
    {
      name: 'job_events',
      primaryKey: 'id',
      rows: { per: 10, of: 'jobs' },
      foreignKeys: [{ column: 'job_id', references: 'jobs', onDelete: 'restrict', indexed: true }],
      columns: [
        sequenceId(),
        { name: 'job_id', type: 'integer', generate: { kind: 'parent', table: 'jobs', per: 10 } },
        { name: 'counter', type: 'integer', generate: (row) => (row.index % 10) + 1 },
        {
          name: 'event',
          type: 'varchar',
          length: 100,
          generate: {
            kind: 'choice',
            values: [
              'runner_on_ok',
              'runner_on_changed',
              'playbook_on_task_start',
              'runner_on_failed',
              'playbook_on_stats',
            ],
            weights: [5, 2, 4, 1, 1],
          },
        },
        { name: 'created', type: 'timestamp', generate: { kind: 'timestamp', fromDays: -365, toDays: 0 } },
        {
          name: 'stdout',
          type: 'text',
          generate: { kind: 'faker', method: 'lorem.sentence', poolSize: 5000 },
        },
      ],
    },
  ],
  target: {
    description: 'the oldest 90% of jobs, all finished',
    table: 'unified_jobs',
    where: 'finished IS NOT NULL AND finished < ?',
    params: ({ counts, referenceMs }) => [
      risingCutoff(SPAN_DAYS, counts.unified_jobs ?? 0, TARGET_FRACTION, referenceMs),
    ],
    expectedRows: ({ counts }) => Math.floor(TARGET_FRACTION * (counts.unified_jobs ?? 0)),
  },
  callbacks: [
    { kind: 'signal', table: 'unified_jobs', receivers: 2 },
    { kind: 'signal', table: 'jobs', receivers: 2 },
  ],
}
