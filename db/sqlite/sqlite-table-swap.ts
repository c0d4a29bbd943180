import { transactionalTableSwap } from '../transactional-table-swap.js'
import { sqliteSchema } from './sqlite-schema.js'

/**
 * One transaction: BEGIN IMMEDIATE holds writers off. Readers see the old table until COMMIT whatever
 * comes first, so indexes are built after the rename, under their own names.
 */
export const sqliteTableSwap = transactionalTableSwap(sqliteSchema, {
  replaceSql: (table, copy) => [
    `DROP TABLE ${table.name}`,
    `ALTER TABLE ${copy.name} RENAME TO ${table.name}`,
    ...sqliteSchema.indexTable(table),
  ],
})
