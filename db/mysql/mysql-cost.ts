import type { CostProbe } from '../cost.js'
import { scalar } from '../scalar.js'

export const mysqlCost: CostProbe = {
  logBytes: async (conn) => {
    const { rows } = await conn.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Innodb_os_log_written'")
    return rows[0] ? Number(rows[0].Value) : null
  },
  tableBytes: async (conn, tables) => {
    // Statistics are estimates until refreshed.
    for (const t of tables) await conn.query(`ANALYZE TABLE \`${t}\``)
    const placeholders = tables.map(() => '?').join(', ')
    return Number(
      await scalar(
        conn,
        `SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (${placeholders})`,
        tables,
      ),
    )
  },
  reclaimSql: (tables) => tables.map((t) => `OPTIMIZE TABLE \`${t}\``),
  note: 'redo bytes are server-wide (Innodb_os_log_written), including foreground traffic; sizes are InnoDB statistics after ANALYZE TABLE',
}
