import type { TableSpec } from '../core/table-spec.js'
import { checkAbort } from '../core/abort.js'
import type { SchemaBuilder, TableSwap } from './dialect.js'

/** Where transactional swaps differ: how writers are held off, and how the copy takes the old name. */
export interface SwapInTransaction {
  /** The statement that holds writers off (readers go on), where BEGIN alone does not. */
  lockSql?(table: string): string
  /** From the filled copy to the table under its own name, indexes included; foreign keys follow. */
  replaceSql(table: TableSpec, copy: TableSpec): string[]
}

/**
 * A swap in one transaction, for a dialect whose DDL is transactional: writers wait from the lock to
 * COMMIT, readers only from the DROP on; a failure leaves the old table as it was.
 */
export function transactionalTableSwap(schema: SchemaBuilder, protocol: SwapInTransaction): TableSwap {
  return {
    refused: (table, capabilities) =>
      capabilities.transactionalDdl
        ? undefined
        : `this server commits DDL by itself: the swap of ${table.name} could not be one transaction`,
    async swap(job) {
      const copy: TableSpec = { ...job.table, name: job.copy }
      let locked = 0
      await job.conn.transaction(async (tx) => {
        if (protocol.lockSql) await tx.query(protocol.lockSql(job.table.name))
        locked = performance.now()
        await job.touch(tx)
        for (const sql of schema.createTable(copy)) await tx.query(sql)
        checkAbort(job.abort)
        await job.copySurvivors(tx)
        checkAbort(job.abort)
        for (const sql of protocol.replaceSql(job.table, copy)) await tx.query(sql)
        for (const sql of schema.constrainTable(job.table)) await tx.query(sql)
      })
      return performance.now() - locked
    },
  }
}
