import { sameColumns } from '../../core/table-spec.js'
import type { LooseForeignKeySql } from '../loose-foreign-keys.js'
import { sqliteAdapter } from './sqlite-adapter.js'
import { sqliteSchema } from './sqlite-schema.js'

const q = sqliteAdapter.quote

/** SQLite: a row trigger, and foreign keys dropped by rebuilding the table without them. */
export const sqliteLooseForeignKeys: LooseForeignKeySql = {
  createQueue: (queue) => [
    `CREATE TABLE ${q(queue)} (id INTEGER PRIMARY KEY, parent_table TEXT NOT NULL, parent_key INTEGER NOT NULL)`,
    `CREATE INDEX ${q(`${queue}_table`)} ON ${q(queue)} (parent_table, id)`,
  ],
  createTrigger: (queue, parent) => [
    `CREATE TRIGGER ${q(`${queue}_${parent.table}`)} AFTER DELETE ON ${q(parent.table)} FOR EACH ROW BEGIN INSERT INTO ${q(queue)} (parent_table, parent_key) VALUES ('${parent.table}', OLD.${q(parent.column)}); END`,
  ],
  dropForeignKeys(table, fks) {
    const dropped = (fk: (typeof table.foreignKeys)[number]) =>
      fks.some((d) => d.references === fk.references && sameColumns(d.columns, fk.columns))
    const rebuilt = `${table.name}_loose_fk`
    const columns = table.columns.map((c) => q(c.name)).join(', ')
    return [
      // Off outside a transaction (the pragma is a no-op inside one): the old table's rows go with it
      // unchecked, and references to it from other tables are kept as written.
      'PRAGMA foreign_keys = OFF',
      'BEGIN',
      ...sqliteSchema.createTable({
        ...table,
        name: rebuilt,
        foreignKeys: table.foreignKeys.filter((fk) => !dropped(fk)),
      }),
      `INSERT INTO ${q(rebuilt)} (${columns}) SELECT ${columns} FROM ${q(table.name)}`,
      `DROP TABLE ${q(table.name)}`,
      `ALTER TABLE ${q(rebuilt)} RENAME TO ${q(table.name)}`,
      // Its indexes went with the old table; the FK-backing ones stay (the cleanup finds dependents by them).
      ...sqliteSchema.indexTable(table),
      'COMMIT',
      'PRAGMA foreign_keys = ON',
    ]
  },
}
