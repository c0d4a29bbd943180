import { Option, type Command } from 'commander'
import { parseDatabaseSpec, type DatabaseSpec } from '../db/database-url.js'
import type { OpenServerOptions } from '../db/open-server.js'
import {
  SQLITE_JOURNAL_MODES,
  SQLITE_SYNCHRONOUS_LEVELS,
  type SqliteJournalMode,
  type SqliteSynchronous,
} from '../db/sqlite/sqlite-options.js'
import { logSql } from './output.js'

/** Options shared by every command that talks to databases. */
export interface DatabaseFlags {
  readonly db: string[]
  readonly logSql?: boolean
  readonly sqliteJournal?: SqliteJournalMode
  readonly sqliteSynchronous?: SqliteSynchronous
}

export function addDatabaseOptions(command: Command): Command {
  return command
    .option(
      '--db <target>',
      'database to use, repeatable: sqlite, sqlite:PATH, postgres://…, mysql://…, mariadb://…, or postgres|mysql|mariadb for a throw-away container',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(
      new Option(
        '--sqlite-journal <mode>',
        "SQLite journal mode (default: SQLite's own, a rollback journal)",
      ).choices(SQLITE_JOURNAL_MODES),
    )
    .addOption(
      new Option('--sqlite-synchronous <level>', "SQLite synchronous level (default: SQLite's own)").choices(
        SQLITE_SYNCHRONOUS_LEVELS,
      ),
    )
    .option('--log-sql', 'print every statement sent, with its parameters and outcome, on stderr')
}

/** `--db` where none is given: the embedded SQLite default. */
const DEFAULT_DB = 'sqlite'

/** The `--db` values as given (SQLite by default), parsed, and the options for opening them. */
export function databaseSelection(flags: Partial<DatabaseFlags>): {
  values: string[]
  specs: DatabaseSpec[]
  open: OpenServerOptions
} {
  const values = flags.db && flags.db.length > 0 ? flags.db : [DEFAULT_DB]
  const specs = values.map((v) => parseDatabaseSpec(v))
  const sqlite = {
    ...(flags.sqliteJournal ? { journal: flags.sqliteJournal } : {}),
    ...(flags.sqliteSynchronous ? { synchronous: flags.sqliteSynchronous } : {}),
  }
  return { values, specs, open: { sqlite, ...(flags.logSql ? { logger: logSql } : {}) } }
}
