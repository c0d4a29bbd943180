import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { ReferenceLoader } from '../dialect.js'

const run = promisify(execFile)

/** Rows `pgbench -i` loads per unit of scale: accounts, tellers, branches. */
const ROWS_PER_SCALE = 100_000 + 10 + 1

/**
 * `pgbench -i`: PostgreSQL's own loader (client-side generation, COPY FREEZE, primary keys, vacuum), at
 * the scale nearest the rows asked for.
 */
export const pgbenchLoader: ReferenceLoader = {
  tables: ['pgbench_accounts', 'pgbench_branches', 'pgbench_tellers', 'pgbench_history'],
  async available() {
    try {
      await run('pgbench', ['--version'])
      return true
    } catch {
      return false
    }
  },
  async load(address, database, rows) {
    const scale = Math.max(1, Math.round(rows / 100_000))
    const env = {
      ...process.env,
      PGHOST: address.host,
      PGPORT: String(address.port),
      PGUSER: address.user,
      ...(address.password ? { PGPASSWORD: address.password } : {}),
    }
    await run('pgbench', ['-i', '-q', '-s', String(scale), database], { env })
    return { scale, rows: scale * ROWS_PER_SCALE }
  },
}
