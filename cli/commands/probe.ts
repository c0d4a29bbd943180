import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import type { ServerDescription } from '../../db/database-server.js'
import { addDatabaseOptions, databaseSelection, type DatabaseFlags } from '../database-options.js'
import { out } from '../output.js'

interface ProbeReport extends ServerDescription {
  readonly database: string
}

export function probeCommand(): Command {
  const command = new Command('probe')
    .description(COMMAND_DESCRIPTIONS['probe'])
    .option('--json', 'print a JSON document instead of text')
  return addDatabaseOptions(command).action(async (flags: Partial<DatabaseFlags> & { json?: boolean }) => {
    const { specs, open } = databaseSelection(flags)
    const { openServer } = await import('../../db/open-server.js')
    const reports: ProbeReport[] = []
    for (const spec of specs) {
      const server = await openServer(spec, open)
      try {
        const report = { database: spec.display, ...(await server.describe()) }
        reports.push(report)
        if (!flags.json) printReport(report)
      } finally {
        await server.close()
      }
    }
    if (flags.json) out(JSON.stringify(reports, null, 2))
  })
}

function printReport({ database, server, capabilities }: ProbeReport): void {
  out(`${database}: ${server.product} ${server.version}`)
  out(`  version string  ${server.versionString}`)
  for (const [name, value] of Object.entries(server.settings)) out(`  ${name.padEnd(15)} ${value}`)
  out(
    `  capabilities    max ${capabilities.maxParams} parameters; DELETE ... LIMIT ${capabilities.deleteLimit ? 'yes' : 'no'}; ` +
      `advisory locks ${capabilities.advisoryLock ? 'yes' : 'no'}; transactional DDL ${capabilities.transactionalDdl ? 'yes' : 'no'}`,
  )
  for (const note of server.notes) out(`  note            ${note}`)
}
