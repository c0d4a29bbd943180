import type { Scenario } from '../scenario.js'
import { createdAt, sequenceId, updatedAt } from './columns.js'

/**
 * Field report 4: destroying a library with `dependent: :destroy` loads and destroys each of its ~2,000
 * books, and each book's `touch` callback loads and updates its donor: 4 statements per book, 8,002 for
 * one library. The fix deletes the books set-based and touches the donors in batches.
 */
export const library: Scenario = {
  name: 'library',
  description: 'report 4: destroy a library of 2,000 books whose deletion touches each book’s donor',
  referenceTime: '2026-01-01T00:00:00Z',
  tables: [
    {
      name: 'donors',
      primaryKey: 'id',
      rows: 5000,
      columns: [
        sequenceId(),
        {
          name: 'name',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'person.fullName', poolSize: 5000 },
        },
        createdAt(),
        updatedAt(),
      ],
    },
    {
      name: 'libraries',
      primaryKey: 'id',
      rows: 100,
      columns: [
        sequenceId(),
        {
          name: 'name',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'location.city', poolSize: 1000 },
        },
        createdAt(),
        updatedAt(),
      ],
    },
    {
      name: 'books',
      primaryKey: 'id',
      rows: { per: 2000, of: 'libraries' },
      foreignKeys: [
        // Rails' add_foreign_key: no ON DELETE action, so the database restricts; a knob switches to cascade.
        { column: 'library_id', references: 'libraries', onDelete: 'restrict', indexed: true },
        { column: 'donor_id', references: 'donors', onDelete: 'restrict', indexed: true },
      ],
      columns: [
        sequenceId(),
        {
          name: 'title',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'book.title', poolSize: 5000 },
        },
        { name: 'library_id', type: 'integer', generate: { kind: 'parent', table: 'libraries', per: 2000 } },
        {
          name: 'donor_id',
          type: 'integer',
          generate: { kind: 'parent', table: 'donors', distribution: 'uniform' },
        },
        createdAt(),
        updatedAt(),
      ],
    },
  ],
  target: {
    description: 'one library (id 1) and its books',
    table: 'libraries',
    where: 'id = ?',
    params: () => [1],
    expectedRows: () => 1,
  },
  variants: {
    'ten-libraries': {
      description: 'ten libraries (ids 1–10) and their books',
      table: 'libraries',
      where: 'id <= ?',
      params: () => [10],
      expectedRows: ({ counts }) => Math.min(10, counts.libraries ?? 0),
    },
  },
  callbacks: [
    { kind: 'touch', table: 'books', foreignKey: 'donor_id', parent: 'donors', column: 'updated_at' },
  ],
  traffic: [
    {
      name: 'read a donor',
      rate: 20,
      sql: 'SELECT id, name, updated_at FROM donors WHERE id = ?',
      params: [(row) => row.random.int(1, row.counts.donors ?? 1)],
    },
  ],
}
