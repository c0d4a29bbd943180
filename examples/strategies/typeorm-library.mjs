// A complete delbench strategy plug-in driving a real ORM: TypeORM (1.1.1, `npm install typeorm@1.1.1`)
// destroys a library of the `library` scenario the way an application would, with its own connection:
//
//   delbench run --scenario library --strategy examples/strategies/typeorm-library.mjs
//
// Entities for the scenario's three tables, a subscriber whose `beforeRemove` loads the book's donor
// and touches it (Rails' `belongs_to :donor, touch: true`), and `repository.remove()` per book, then the
// library, all in one transaction per library (as Rails' `destroy` does). That is what the built-in `per-row-callbacks` emulates with hand-written SQL; this runs the
// ORM itself, so the two can be compared statement for statement.
//
// The ORM's statements never pass through delbench's connection: the strategy says `ownClient` and
// reports them from TypeORM's own logger (`ctx.reportStatements`). The run is verified like any other.
import { DataSource, EntitySchema, EventSubscriber } from 'typeorm'

// Timestamps are declared as text: delbench writes `YYYY-MM-DD HH:MM:SS` (UTC) and the verifier reads
// it back, so the ORM must pass the value as it is, not through a Date in the local time zone.
const timestamps = {
  created_at: { type: 'varchar' },
  updated_at: { type: 'varchar' },
}

const Donor = new EntitySchema({
  name: 'Donor',
  tableName: 'donors',
  columns: { id: { type: 'int', primary: true }, name: { type: 'varchar' }, ...timestamps },
})

const Library = new EntitySchema({
  name: 'Library',
  tableName: 'libraries',
  columns: { id: { type: 'int', primary: true }, name: { type: 'varchar' }, ...timestamps },
  relations: { books: { type: 'one-to-many', target: 'Book', inverseSide: 'library' } },
})

const Book = new EntitySchema({
  name: 'Book',
  tableName: 'books',
  columns: {
    id: { type: 'int', primary: true },
    title: { type: 'varchar' },
    library_id: { type: 'int' },
    donor_id: { type: 'int' },
    ...timestamps,
  },
  relations: {
    library: { type: 'many-to-one', target: 'Library', joinColumn: { name: 'library_id' } },
    donor: { type: 'many-to-one', target: 'Donor', joinColumn: { name: 'donor_id' } },
  },
})

/** `belongs_to :donor, touch: true`: before a book goes, its donor is loaded and its timestamp set. */
function touchDonorSubscriber(deletedAt) {
  class TouchDonor {
    // An entity schema's target is its name.
    listenTo() {
      return 'Book'
    }
    async beforeRemove(event) {
      const book = event.databaseEntity ?? event.entity
      const donor = await event.manager.findOneBy(Donor, { id: book.donor_id })
      if (donor) await event.manager.update(Donor, { id: donor.id }, { updated_at: deletedAt })
    }
  }
  // `@EventSubscriber()` written as the call it is (plain JavaScript has no decorators yet): TypeORM
  // instantiates only the subscriber classes registered so.
  EventSubscriber()(TouchDonor)
  return TouchDonor
}

/** TypeORM's options for the working database, from what delbench says about it (`ctx.client()`). */
function connectionOptions(client) {
  if (client.driver === 'better-sqlite3') return { type: 'better-sqlite3', database: client.file }
  const server = {
    host: client.host,
    port: client.port,
    username: client.user,
    // In this process only: a library's options, never a command line.
    password: client.password,
    database: client.database,
  }
  if (client.driver === 'pg') return { type: 'postgres', ...server, ssl: client.ssl }
  return { type: 'mysql', ...server, ...(client.ssl ? { ssl: {} } : {}) }
}

const KINDS = {
  SELECT: 'select',
  INSERT: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  START: 'begin',
  BEGIN: 'begin',
  COMMIT: 'commit',
  ROLLBACK: 'rollback',
}

/** A TypeORM logger that counts every statement the ORM sends, by its first word, while `counting`. */
function countingLogger() {
  const counts = { select: 0, insert: 0, update: 0, delete: 0, begin: 0, commit: 0, rollback: 0, other: 0 }
  const state = { counting: false }
  const count = (query) => {
    if (!state.counting) return
    const verb = /^\s*([A-Za-z]+)/.exec(query)?.[1]?.toUpperCase() ?? ''
    counts[KINDS[verb] ?? 'other']++
  }
  return {
    counts,
    state,
    logger: {
      logQuery: count,
      logQueryError: () => {},
      logQuerySlow: () => {},
      logSchemaBuild: () => {},
      logMigration: () => {},
      log: () => {},
    },
  }
}

export default {
  name: 'typeorm-library',
  description:
    'TypeORM 1.1.1 on its own connection: repository.remove() per book, a beforeRemove subscriber touching the donor, then the library',
  ownClient: true,
  reads: [],

  unsupported(_dialect, _capabilities, plan, setting) {
    if (setting.scenario.name !== 'library') return 'its entities are those of the library scenario'
    if (plan.steps.some((s) => s.table !== 'books' && s.table !== 'libraries'))
      return 'its entities cover books and libraries only'
    return undefined
  },

  async run(ctx) {
    // The target libraries' keys on delbench's own connection (counted there): one SELECT.
    const { rows } = await ctx.run({
      sql: `SELECT id FROM libraries WHERE ${ctx.target.where} ORDER BY id`,
      params: ctx.target.params,
    })
    const counting = countingLogger()
    const dataSource = new DataSource({
      ...connectionOptions(ctx.client()),
      entities: [Donor, Library, Book],
      subscribers: [touchDonorSubscriber(ctx.deletedAt)],
      synchronize: false,
      logging: true,
      logger: counting.logger,
    })
    await dataSource.initialize()
    // From here on: the ORM's setup queries on connecting are not the deletion's.
    counting.state.counting = true
    try {
      let deleted = 0
      for (const { id } of rows) {
        // Like Rails' `library.destroy`: one transaction per library, so TypeORM's remove() opens none
        // of its own (alone, each remove() is a transaction: a commit, and a disk flush, per book).
        await dataSource.transaction(async (manager) => {
          const books = manager.getRepository(Book)
          const libraries = manager.getRepository(Library)
          const library = await libraries.findOneBy({ id })
          if (!library) return
          // `dependent: :destroy`: the books loaded, then each removed on its own, callbacks and all.
          for (const book of await books.findBy({ library_id: id })) {
            if (ctx.abort.aborted) throw ctx.abort.reason
            await books.remove(book)
            ctx.progress(++deleted)
          }
          await libraries.remove(library)
          ctx.progress(++deleted)
        })
      }
    } finally {
      counting.state.counting = false
      ctx.reportStatements(counting.counts, 'TypeORM’s logger')
      await dataSource.destroy()
    }
  },
}
