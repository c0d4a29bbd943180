import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out, reclaimedLine } from '../output.js'

export function cleanCommand(): Command {
  const command = new Command('clean').description(COMMAND_DESCRIPTIONS['clean'])
  return addDatabaseOptions(command).action(async (flags: Partial<DatabaseFlags>) => {
    const { specs, open } = databaseSelection(flags)
    const { openServer } = await import('../../db/open-server.js')
    const { ownerText } = await import('../../db/ownership.js')
    for (const spec of specs) {
      const server = await openServer(spec, open)
      try {
        // Copies whose owner is gone first; what still has an owner then is a live run's, and stays.
        const reclaimed = await server.reclaimAbandoned()
        for (const { name, owner } of reclaimed) out(reclaimedLine(spec.display, name, owner))
        const databases = await server.listDatabases()
        for (const db of databases) {
          if (!db.marked) {
            out(
              `${spec.display}: left ${db.name} alone: it has no delbench marker, so delbench did not create it`,
            )
          } else if (db.owner) {
            out(`${spec.display}: left ${db.name} alone: a running delbench uses it (${ownerText(db.owner)})`)
          } else if (await server.dropUnowned(db.name)) {
            out(`${spec.display}: dropped ${db.name}`)
          } else {
            out(`${spec.display}: left ${db.name} alone: a running delbench is creating it`)
          }
        }
        if (databases.length === 0 && reclaimed.length === 0) out(`${spec.display}: no delbench databases`)
      } finally {
        await server.close()
      }
    }
  })
}
