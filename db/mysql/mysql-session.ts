/** This session's server-side id. */
export const MYSQL_SESSION_ID_SQL = 'SELECT CONNECTION_ID()'

/** Ends another session's statement and connection; `?` is its id. */
export const MYSQL_KILL_SESSION_SQL = 'KILL ?'
