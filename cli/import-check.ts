import fs from 'node:fs'
import type { CatalogReadOptions } from '../db/catalog.js'
import { DelbenchError } from '../core/errors.js'
import { out } from './output.js'

/**
 * `delbench import --check FILE --db SOURCE`: seeds the imported scenario at scale 1 (on `--seed-db`,
 * SQLite by default) and compares its shapes with the source's, read the same way: rows per table, null
 * shares, distinct counts, fan-out and the target's share. Resolves to the exit status: 1 when a table's
 * rows or the target's share is beyond its tolerance (the two the import promises), else 0.
 */
export async function checkImport(
  file: string,
  sourceUrl: string,
  seedDb: string,
  options: CatalogReadOptions,
): Promise<number> {
  const [
    { loadScenarioFile },
    { readSourceCatalog },
    { ownDatabaseLocation, parseDatabaseSpec },
    { openServer },
    { seedScenario },
  ] = await Promise.all([
    import('../scenarios/scenario-file.js'),
    import('../db/source-catalog.js'),
    import('../db/database-url.js'),
    import('../db/open-server.js'),
    import('../seeds/seeder.js'),
  ])
  const { fidelityRows, FIDELITY_TOLERANCE } = await import('../seeds/import-fidelity.js')
  const scenario = await loadScenarioFile(file, { withoutTarget: true })
  // A file still without a target (`"target": null`) is compared on its tables alone.
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { target?: unknown }
  const read: CatalogReadOptions = {
    ...options,
    tables: scenario.tables.map((t) => t.name),
    ...(raw.target ? { target: { table: scenario.target.table, where: scenario.target.where } } : {}),
  }
  const source = await readSourceCatalog(sourceUrl, read)
  const spec = parseDatabaseSpec(seedDb)
  if (spec.kind === 'throwaway') throw new DelbenchError('--seed-db: name a SQLite folder or a server URL')
  const server = await openServer(spec)
  let seededUrl: string
  try {
    const seeded = await seedScenario(server, { scenario, scale: 1, seed: 42 })
    seededUrl = ownDatabaseLocation(spec, seedDb, seeded.database)
  } finally {
    await server.close()
  }
  const copy = await readSourceCatalog(seededUrl, read)
  const rows = fidelityRows(source, copy)
  out(
    `${'shape'.padEnd(40)} ${'measure'.padEnd(14)} ${'source'.padStart(10)} ${'seeded'.padStart(10)}  ratio`,
  )
  for (const r of rows)
    out(
      `${r.where.padEnd(40)} ${r.measure.padEnd(14)} ${figure(r.source).padStart(10)} ${figure(r.seeded).padStart(10)}  ${r.ratio.toFixed(2)}${r.within ? '' : ` ✗ (beyond ±${FIDELITY_TOLERANCE[r.measure] * 100}%)`}`,
    )
  const within = rows.filter((r) => r.within).length
  out(`${within} of ${rows.length} shapes within tolerance (seeded at scale 1 on ${spec.display})`)
  return rows.some((r) => !r.within && (r.measure === 'rows' || r.measure === 'target share')) ? 1 : 0
}

function figure(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3)
}
