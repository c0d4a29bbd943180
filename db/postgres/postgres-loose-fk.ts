import { foreignKeyName } from '../../core/table-spec.js'
import type { LooseForeignKeySql } from '../loose-foreign-keys.js'
import { postgresAdapter } from './postgres-adapter.js'

const q = postgresAdapter.quote

/**
 * PostgreSQL, as GitLab installs it: a statement-level AFTER DELETE trigger reading the transition
 * table, so one DELETE of many parents queues them with one INSERT … SELECT.
 */
export const postgresLooseForeignKeys: LooseForeignKeySql = {
  createQueue: (queue) => [
    `CREATE TABLE ${q(queue)} (id bigserial PRIMARY KEY, parent_table varchar(64) NOT NULL, parent_key bigint NOT NULL)`,
    `CREATE INDEX ${q(`${queue}_table`)} ON ${q(queue)} (parent_table, id)`,
  ],
  createTrigger: (queue, parent) => {
    const fn = q(`${queue}_${parent.table}`)
    return [
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${q(queue)} (parent_table, parent_key) SELECT '${parent.table}', ${q(parent.column)} FROM old_table; RETURN NULL; END $$`,
      `CREATE TRIGGER ${fn} AFTER DELETE ON ${q(parent.table)} REFERENCING OLD TABLE AS old_table FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    ]
  },
  dropForeignKeys: (table, fks) =>
    fks.map(
      (fk) => `ALTER TABLE ${q(table.name)} DROP CONSTRAINT ${q(foreignKeyName(table.name, fk.columns))}`,
    ),
}
