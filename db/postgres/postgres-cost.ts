import type { CostProbe } from '../cost.js'
import { scalar } from '../scalar.js'

export const postgresCost: CostProbe = {
  logBytes: async (conn) => Number(await scalar(conn, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")),
  tableBytes: async (conn, tables) =>
    Number(
      await scalar(
        conn,
        // A partitioned table holds no rows itself: its partitions' sizes are summed (a plain table is
        // in no tree, and counts itself).
        "SELECT COALESCE(SUM(pg_total_relation_size(COALESCE(t.relid, c.oid))), 0) FROM pg_class c LEFT JOIN LATERAL pg_partition_tree(c.oid) t ON true WHERE c.relname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace",
        [tables],
      ),
    ),
  // Plain VACUUM only marks space reusable; VACUUM FULL rewrites the table and returns it to the OS.
  reclaimSql: (tables) => tables.map((t) => `VACUUM FULL "${t}"`),
  note: 'WAL bytes are server-wide (pg_current_wal_lsn), including foreground traffic; sizes from pg_total_relation_size',
}
