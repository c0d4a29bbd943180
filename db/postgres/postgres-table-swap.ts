import { secondaryIndexList } from '../schema-sql.js'
import { transactionalTableSwap } from '../transactional-table-swap.js'
import { postgresSchema } from './postgres-schema.js'

/**
 * One transaction under `LOCK TABLE … IN EXCLUSIVE MODE` (readers go on). Indexes are built on the
 * copy before the DROP, under temporary names renamed after, so readers wait for renames only.
 */
export const postgresTableSwap = transactionalTableSwap(postgresSchema, {
  lockSql: (table) => `LOCK TABLE ${table} IN EXCLUSIVE MODE`,
  replaceSql(table, copy) {
    const finalNames = secondaryIndexList(table)
    return [
      ...postgresSchema.indexTable(copy),
      `DROP TABLE ${table.name}`,
      `ALTER TABLE ${copy.name} RENAME TO ${table.name}`,
      `ALTER TABLE ${table.name} RENAME CONSTRAINT pk_${copy.name} TO pk_${table.name}`,
      ...secondaryIndexList(copy).map(
        (ix, i) => `ALTER INDEX ${ix.name} RENAME TO ${finalNames[i]?.name ?? ix.name}`,
      ),
    ]
  },
})
