import type { DialectName } from '../../db/dialect.js'

/** Test-only: turning FK enforcement (and ON DELETE actions) off and on for a session, per dialect. */
export const FK_CHECKS: Record<DialectName, readonly [off: string, on: string]> = {
  sqlite: ['PRAGMA foreign_keys = OFF', 'PRAGMA foreign_keys = ON'],
  postgres: ['SET session_replication_role = replica', 'SET session_replication_role = DEFAULT'],
  mysql: ['SET foreign_key_checks = 0', 'SET foreign_key_checks = 1'],
}
