import { Command } from 'commander'
import { DATABASE_KINDS } from '../../db/database-kinds.js'
import { out } from '../output.js'

export function listCommand(): Command {
  return new Command('list')
    .description('list the database kinds, scenarios and strategies delbench knows')
    .option('--json', 'print a JSON document instead of text')
    .action((flags: { json?: boolean }) => {
      const listing = { databases: DATABASE_KINDS, scenarios: [], strategies: [] }
      if (flags.json) {
        out(JSON.stringify(listing, null, 2))
        return
      }
      const width = Math.max(...DATABASE_KINDS.map((k) => k.form.length))
      out('Databases (--db):')
      for (const kind of DATABASE_KINDS) out(`  ${kind.form.padEnd(width)}  ${kind.description}`)
      out('')
      out('Scenarios (--scenario): none built in yet')
      out('Strategies (--strategy): none built in yet')
    })
}
