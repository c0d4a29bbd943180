import { createHash } from 'node:crypto'
import { rowCounts } from '../scenarios/row-counts.js'
import { primaryKeyOf } from '../scenarios/scenario-keys.js'
import { canonicalizer } from './canonical-values.js'
import { BagHash, type TableChecksum } from './checksum.js'
import { rowBatches } from './row-batches.js'
import type { SeedRequest } from './seeder.js'
import { valuePools } from './value-pools.js'

// Apart from the checksums read back from a database: the generator brings faker, which a run's
// processes (verifying, never generating) need not load.
/**
 * The checksums the seeded tables must have, computed from the generator alone (no database): a
 * database whose read-back checksums equal these holds exactly the generated rows.
 */
export async function generatedChecksums(request: SeedRequest): Promise<Record<string, TableChecksum>> {
  const counts = rowCounts(request.scenario, request.scale)
  const pools = await valuePools(request.scenario, request.seed)
  const ctx = { scenario: request.scenario, seed: request.seed, counts, pools }
  const result: Record<string, TableChecksum> = {}
  for (const table of request.scenario.tables) {
    const canon = table.columns.map((c) => canonicalizer(c))
    // A single-column key orders the rows; other tables are hashed as a multiset, as they are read back.
    const ordered = primaryKeyOf(table).length === 1
    const hash = createHash('sha256')
    const bag = new BagHash()
    let rows = 0
    for (const batch of rowBatches(table, ctx)) {
      for (const row of batch) {
        const line = row.map((v, i) => (canon[i] as (v: unknown) => string)(v)).join('\t')
        if (ordered) hash.update(line + '\n')
        else bag.add(line)
      }
      rows += batch.length
    }
    result[table.name] = { rows, checksum: ordered ? hash.digest('hex') : bag.digest() }
  }
  return result
}
