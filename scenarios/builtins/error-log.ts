import type { Scenario } from '../scenario.js'
import { daysFrom } from '../timestamps.js'
import { risingCutoff, risingTimestamp } from './oldest-fraction.js'

const ROWS = 3_000_000
const SPAN_DAYS = 90
const TARGET_FRACTION = 0.9

/**
 * Field report 3: an error tracker deletes the 90% of its occurrences older than a cutoff. One DELETE
 * holds its locks for the whole run and stalls the application; a loop of small DELETEs keeps each
 * lock short. Meanwhile the application inserts new occurrences, reads recent ones and resolves
 * occurrences of every age.
 */
export const errorLog: Scenario = {
  name: 'error-log',
  description:
    'report 3: delete the 90% of 3M error occurrences older than a cutoff while the app inserts, reads and updates',
  referenceTime: '2026-01-01T00:00:00Z',
  tables: [
    {
      name: 'error_occurrences',
      primaryKey: 'id',
      rows: ROWS,
      indexes: [{ columns: ['created_at'] }],
      partitioning: { column: 'created_at', fromDays: -SPAN_DAYS, toDays: 0 },
      columns: [
        { name: 'id', type: 'bigint', generate: { kind: 'sequence' } },
        { name: 'project_id', type: 'integer', generate: { kind: 'int', min: 1, max: 50 } },
        {
          name: 'error_class',
          type: 'varchar',
          length: 100,
          generate: {
            kind: 'choice',
            values: [
              'TypeError',
              'KeyError',
              'ValueError',
              'TimeoutError',
              'NullPointerException',
              'RuntimeError',
            ],
            weights: [6, 4, 3, 2, 2, 1],
          },
        },
        {
          name: 'message',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'hacker.phrase', poolSize: 5000 },
        },
        {
          name: 'context',
          type: 'json',
          generate: {
            kind: 'json',
            fields: {
              request_id: { kind: 'pattern', pattern: 'req-########' },
              user: { kind: 'faker', method: 'internet.username', poolSize: 2000 },
              url: { kind: 'faker', method: 'internet.url', poolSize: 2000 },
              line: { kind: 'int', min: 1, max: 2000 },
            },
          },
        },
        {
          name: 'status',
          type: 'varchar',
          length: 16,
          generate: { kind: 'choice', values: ['unresolved', 'resolved', 'ignored'], weights: [6, 3, 1] },
        },
        { name: 'created_at', type: 'timestamp', generate: risingTimestamp(SPAN_DAYS) },
      ],
    },
  ],
  target: {
    description: 'occurrences older than the cutoff: the oldest 90%',
    table: 'error_occurrences',
    where: 'created_at < ?',
    olderThan: { column: 'created_at', param: 0 },
    params: ({ counts, referenceMs }) => [
      risingCutoff(SPAN_DAYS, counts.error_occurrences ?? 0, TARGET_FRACTION, referenceMs),
    ],
    expectedRows: ({ counts }) => Math.floor(TARGET_FRACTION * (counts.error_occurrences ?? 0)),
  },
  traffic: [
    {
      name: 'insert an occurrence',
      rate: 50,
      sql: "INSERT INTO error_occurrences (id, project_id, error_class, message, context, status, created_at) VALUES (?, ?, 'TypeError', 'new occurrence', '{}', 'unresolved', ?)",
      params: [
        (row) => (row.counts.error_occurrences ?? 0) + 1 + row.index,
        (row) => row.random.int(1, 50),
        (row) => daysFrom(row.referenceMs, 0),
      ],
    },
    {
      name: 'read recent occurrences',
      rate: 50,
      sql: 'SELECT id, error_class, message FROM error_occurrences WHERE created_at > ? ORDER BY created_at DESC LIMIT 20',
      params: [(row) => daysFrom(row.referenceMs, -1)],
    },
    {
      // The app resolves occurrences of every age: one the DELETE has already reached waits on its lock.
      name: 'resolve an occurrence',
      rate: 50,
      sql: "UPDATE error_occurrences SET status = 'resolved' WHERE id = ?",
      params: [(row) => row.random.int(1, Math.max(1, row.counts.error_occurrences ?? 0))],
      updates: { table: 'error_occurrences', columns: ['status'] },
    },
  ],
}
