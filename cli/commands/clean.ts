import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out } from '../output.js'

export function cleanCommand(): Command {
  const command = new Command('clean').description(COMMAND_DESCRIPTIONS['clean'])
  return addDatabaseOptions(command).action(async (flags: Partial<DatabaseFlags>) => {
    const { specs, open } = databaseSelection(flags)
    const { openServer } = await import('../../db/open-server.js')
    for (const spec of specs) {
      const server = await openServer(spec, open)
      try {
        const databases = await server.listDatabases()
        for (const db of databases) {
          if (db.marked) {
            await server.dropDatabase(db.name)
            out(`${spec.display}: dropped ${db.name}`)
          } else {
            out(
              `${spec.display}: left ${db.name} alone: it has no delbench marker, so delbench did not create it`,
            )
          }
        }
        if (databases.length === 0) out(`${spec.display}: no delbench databases`)
      } finally {
        await server.close()
      }
    }
  })
}
