import type { ServerAddress } from './database-url.js'

/**
 * How a client of a strategy's own (an external program, an ORM with its own connections) reaches the
 * working database. `driver` names the npm driver delbench itself uses for it, so a library can configure
 * its matching driver without asking which database this is.
 */
export type ClientDetails =
  | {
      readonly driver: 'better-sqlite3'
      /** The working copy's file. */
      readonly file: string
    }
  | {
      readonly driver: 'pg' | 'mysql2'
      readonly host: string
      readonly port: number
      readonly user: string
      readonly database: string
      readonly ssl: boolean
      /**
       * For a library's options in this process only. A program gets it from `passwordEnvironment` or
       * a file, never on its command line (any user of the machine may read command lines).
       */
      readonly password: string | undefined
      /** The variables that give a program the password (PGPASSWORD, MYSQL_PWD); empty where there is none. */
      readonly passwordEnvironment: Readonly<Record<string, string>>
    }

/** A server's client details for one of its databases. */
export function serverClientDetails(
  driver: 'pg' | 'mysql2',
  address: ServerAddress,
  database: string,
  passwordVariable: string,
): ClientDetails {
  const { host, port, user, password, ssl } = address
  return {
    driver,
    host,
    port,
    user,
    database,
    ssl,
    password,
    passwordEnvironment: password === undefined ? {} : { [passwordVariable]: password },
  }
}
