import { Command } from 'commander'
import { COMMAND_DESCRIPTIONS } from '../command-index.js'
import { out } from '../output.js'

export function listCommand(): Command {
  return new Command('list')
    .description(COMMAND_DESCRIPTIONS['list'])
    .option('--json', 'print a JSON document instead of text')
    .action(async (flags: { json?: boolean }) => {
      const [
        { DATABASE_KINDS },
        { builtinScenarios },
        { rowCounts },
        { BUILTIN_STRATEGIES },
        { unsupportedCases },
      ] = await Promise.all([
        import('../../db/database-kinds.js'),
        import('../../scenarios/registry.js'),
        import('../../scenarios/row-counts.js'),
        import('../../strategies/builtins.js'),
        import('../../strategies/support-matrix.js'),
      ])
      const scenarios = builtinScenarios().map((s) => ({
        name: s.name,
        description: s.description,
        target: s.target.description,
        variants: Object.entries(s.variants ?? {}).map(([name, t]) => ({
          name: `${s.name}:${name}`,
          target: t.description,
        })),
        rowsAtScale1: Object.values(rowCounts(s, 1)).reduce((a, b) => a + b, 0),
      }))
      const unsupported = unsupportedCases(BUILTIN_STRATEGIES, builtinScenarios())
      const strategies = BUILTIN_STRATEGIES.map((s) => ({
        name: s.name,
        description: s.description,
        unsupported: unsupported
          .filter((u) => u.strategy === s.name)
          .map(({ strategy: _strategy, ...rest }) => rest),
      }))
      if (flags.json) {
        out(JSON.stringify({ databases: DATABASE_KINDS, scenarios, strategies }, null, 2))
        return
      }
      const width = Math.max(...DATABASE_KINDS.map((k) => k.form.length))
      out('Databases (--db):')
      for (const kind of DATABASE_KINDS) out(`  ${kind.form.padEnd(width)}  ${kind.description}`)
      out('')
      out('Scenarios (--scenario; rows at --scale 1):')
      for (const s of scenarios) {
        out(
          `  ${s.name.padEnd(12)} ${s.rowsAtScale1.toLocaleString('en-US').padStart(10)} rows  ${s.description}`,
        )
        out(`  ${''.padEnd(12)} ${''.padStart(10)}       target: ${s.target}`)
        for (const v of s.variants)
          out(`  ${''.padEnd(12)} ${''.padStart(10)}       variant ${v.name}: ${v.target}`)
      }
      out('')
      out('Strategies (--strategy):')
      const strategyWidth = Math.max(...strategies.map((s) => s.name.length))
      for (const s of strategies) {
        out(`  ${s.name.padEnd(strategyWidth)}  ${s.description}`)
        for (const u of s.unsupported)
          out(
            `  ${''.padEnd(strategyWidth)}    not on ${u.databases.join(', ')} for ${u.scenarios.join(', ')}: ${u.reason}`,
          )
      }
    })
}
