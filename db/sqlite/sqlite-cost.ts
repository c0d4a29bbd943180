import type { CostProbe } from '../cost.js'
import { scalar } from '../scalar.js'

export const sqliteCost: CostProbe = {
  logBytes: async () => null,
  // The database file as a whole: SQLite frees pages inside the file and keeps them until VACUUM.
  tableBytes: async (conn) =>
    Number(await scalar(conn, 'SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()')),
  reclaimSql: () => ['VACUUM'],
  note: 'sizes are the whole database file (page count × page size); SQLite writes no separate log to count',
}
