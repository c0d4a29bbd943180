import type { Scenario } from '../scenario.js'
import { createdAt, sequenceId } from './columns.js'
import { daysFrom } from '../timestamps.js'

const BOOKS = 300_000

/** Every sixth row (all with quantity 0) was last updated two months ago: exactly 50,000 at scale 1. */
const isStale = (index: number): boolean => index % 6 === 0

/**
 * Field report 2: a bookstore deletes out-of-print books. 300,000 books, half with quantity 0, 50,000 of
 * those not updated for two months; no foreign keys, no callbacks. The framework's default embedded
 * database took 96 s to load-and-destroy each, 49 s to delete each by id, 0.15 s for one DELETE.
 */
export const bookstore: Scenario = {
  name: 'bookstore',
  description: 'report 2: delete out-of-print books (quantity 0, not updated for a month) from 300k books',
  referenceTime: '2026-01-01T00:00:00Z',
  tables: [
    {
      name: 'books',
      primaryKey: 'id',
      rows: BOOKS,
      columns: [
        sequenceId(),
        {
          name: 'title',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'book.title', poolSize: 5000 },
        },
        {
          name: 'isbn',
          type: 'varchar',
          length: 20,
          generate: { kind: 'pattern', pattern: '978-#-####-####-#' },
        },
        {
          name: 'author',
          type: 'varchar',
          length: 255,
          generate: { kind: 'faker', method: 'book.author', poolSize: 5000 },
        },
        // Half the books are out of stock: the even rows.
        {
          name: 'quantity',
          type: 'integer',
          generate: (row) => (row.index % 2 === 0 ? 0 : row.random.int(1, 100)),
        },
        createdAt(),
        {
          name: 'updated_at',
          type: 'timestamp',
          generate: (row) => {
            if (isStale(row.index)) return daysFrom(row.referenceMs, -60 - row.random.float() * 5)
            // Out-of-stock books still on sale were touched within the month; others any time this year.
            const days = row.index % 2 === 0 ? 29 * row.random.float() : 365 * row.random.float()
            return daysFrom(row.referenceMs, -days)
          },
        },
      ],
    },
  ],
  target: {
    description: 'books with quantity 0 not updated in the last month',
    table: 'books',
    where: 'quantity = 0 AND updated_at < ?',
    params: ({ referenceMs }) => [daysFrom(referenceMs, -30)],
    expectedRows: ({ counts }) => Math.ceil((counts.books ?? 0) / 6),
  },
  traffic: [
    {
      name: 'read a book',
      rate: 20,
      sql: 'SELECT id, title, quantity FROM books WHERE id = ?',
      params: [(row) => row.random.int(1, row.counts.books ?? 1)],
    },
  ],
}
