/**
 * The TypeORM example plug-in (examples/strategies/typeorm-library.mjs): a real ORM destroying a library
 * on its own connection, verified like every strategy, its statements counted by TypeORM's logger and
 * set beside those of per-row-callbacks, the built-in that emulates it.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { library } from '../scenarios/builtins/library.js'
import type { Scenario } from '../scenarios/scenario.js'
import { perRowCallbacks } from '../strategies/per-row-callbacks.js'
import { StrategyRegistry } from '../strategies/registry.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { runOnce, useStrategyServer } from './support/strategy-run.js'

const EXAMPLE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'examples',
  'strategies',
  'typeorm-library.mjs',
)

/** The library scenario with 200 books a library instead of 2,000: the same shape, a tenth of the rows. */
const BOOKS_PER_LIBRARY = 200
const smallLibrary: Scenario = {
  ...library,
  tables: library.tables.map((table) =>
    table.name !== 'books'
      ? table
      : {
          ...table,
          rows: { per: BOOKS_PER_LIBRARY, of: 'libraries' },
          columns: table.columns.map((c) =>
            c.name === 'library_id'
              ? { ...c, generate: { kind: 'parent', table: 'libraries', per: BOOKS_PER_LIBRARY } }
              : c,
          ),
        },
  ),
}

const zero = { select: 0, insert: 0, update: 0, delete: 0, begin: 0, commit: 0, rollback: 0, other: 0 }
const counts = (c: Partial<typeof zero>) => {
  const full = { ...zero, ...c }
  return { ...full, total: Object.values(full).reduce((a, b) => a + b, 0) }
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`the TypeORM example on ${db.dialect}`, () => {
    const tests = useStrategyServer(db, 223)

    it('destroys a library, ok, statement for statement beside per-row-callbacks', async () => {
      const prepared = await tests.prepare(smallLibrary, 0.01)
      const books = prepared.expectation.tables.books?.deleted ?? 0
      expect(books).toBe(BOOKS_PER_LIBRARY)
      const orm = await new StrategyRegistry([]).resolve(EXAMPLE)
      const real = await runOnce(prepared, orm)
      expect(real.status, JSON.stringify(real)).toBe('ok')
      const emulated = await runOnce(prepared, perRowCallbacks)
      expect(emulated.status, JSON.stringify(emulated)).toBe('ok')
      if (real.status === 'unsupported' || emulated.status === 'unsupported') return
      expect(real.statementsOrigin?.source).toBe('tool')
      // per-row-callbacks: the target's keys, the library, its books' keys; per book its row, its donor,
      // the donor's UPDATE and the book's DELETE; the library's DELETE; one transaction.
      expect(emulated.counters.statements).toEqual(
        counts({ select: 3 + 2 * books, update: books, delete: books + 1, begin: 1, commit: 1 }),
      )
      // TypeORM: the same, and one SELECT more: remove() loads the library again before deleting it
      // (as it loads each book again, where per-row-callbacks first read only the books' keys).
      expect(real.counters.statements).toEqual(
        counts({ select: 4 + 2 * books, update: books, delete: books + 1, begin: 1, commit: 1 }),
      )
    })
  })
}
