/** This session's server-side id. */
export const MYSQL_SESSION_ID_SQL = 'SELECT CONNECTION_ID()'
