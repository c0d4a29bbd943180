import { rowCounts } from './row-counts.js'
import { scenarioTables } from './scenario-tables.js'
import { isFakerMethod } from './faker-methods.js'
import { loadOrder, planDeletion } from './deletion-plan.js'
import type { Generator, Scenario, TargetSpec } from './scenario.js'

/**
 * Checks what a schema cannot: that names refer to things that exist, keys are integers, faker methods
 * are real, and the FK graph can be planned. Returns one problem per line, each with the path of the
 * field at fault (`tables[1].foreignKeys[0].references: unknown table 'jobz'`); empty when sound.
 */
export function scenarioProblems(scenario: Scenario): string[] {
  const problems: string[] = []
  const tables = new Map(scenario.tables.map((t) => [t.name, t]))
  const columnOf = (table: string, column: string) =>
    tables.get(table)?.columns.find((c) => c.name === column)

  scenario.tables.forEach((table, t) => {
    const at = `tables[${t}]`
    if (scenario.tables.findIndex((other) => other.name === table.name) !== t)
      problems.push(`${at}.name: table '${table.name}' is declared twice`)
    const names = table.columns.map((c) => c.name)
    names.forEach((name, c) => {
      if (names.indexOf(name) !== c)
        problems.push(`${at}.columns[${c}].name: column '${name}' is declared twice`)
    })
    const pk = columnOf(table.name, table.primaryKey)
    if (!pk) problems.push(`${at}.primaryKey: '${table.primaryKey}' is not a column of ${table.name}`)
    else if (pk.type !== 'integer' && pk.type !== 'bigint')
      problems.push(`${at}.primaryKey: '${table.primaryKey}' must be an integer column`)
    if (typeof table.rows !== 'number' && !tables.has(table.rows.of))
      problems.push(`${at}.rows.of: unknown table '${table.rows.of}'`)
    table.foreignKeys?.forEach((fk, f) => {
      const where = `${at}.foreignKeys[${f}]`
      const column = columnOf(table.name, fk.column)
      if (!column) problems.push(`${where}.column: '${fk.column}' is not a column of ${table.name}`)
      else if (column.type !== 'integer' && column.type !== 'bigint')
        problems.push(`${where}.column: '${fk.column}' must be an integer column`)
      if (!tables.has(fk.references)) problems.push(`${where}.references: unknown table '${fk.references}'`)
      if (fk.onDelete === 'set null' && column && !column.nullable)
        problems.push(`${where}.onDelete: 'set null' needs ${table.name}.${fk.column} to be nullable`)
    })
    table.indexes?.forEach((ix, i) =>
      ix.columns.forEach((name, c) => {
        if (!columnOf(table.name, name))
          problems.push(`${at}.indexes[${i}].columns[${c}]: '${name}' is not a column of ${table.name}`)
      }),
    )
    table.columns.forEach((column, c) =>
      problems.push(...generatorProblems(column.generate, `${at}.columns[${c}].generate`, tables)),
    )
    if (table.partitioning && columnOf(table.name, table.partitioning.column)?.type !== 'timestamp')
      problems.push(
        `${at}.partitioning.column: '${table.partitioning.column}' must be a timestamp column of ${table.name}`,
      )
  })

  const targets: [string, TargetSpec][] = [
    ['target', scenario.target],
    ...Object.entries(scenario.variants ?? {}).map(([k, v]) => [`variants.${k}`, v] as [string, TargetSpec]),
  ]
  for (const [at, target] of targets) {
    if (!tables.has(target.table)) problems.push(`${at}.table: unknown table '${target.table}'`)
    if (target.olderThan && !columnOf(target.table, target.olderThan.column))
      problems.push(`${at}.olderThan.column: '${target.olderThan.column}' is not a column of ${target.table}`)
  }
  scenario.callbacks?.forEach((cb, i) => {
    const at = `callbacks[${i}]`
    if (!tables.has(cb.table)) problems.push(`${at}.table: unknown table '${cb.table}'`)
    if (cb.kind === 'touch') {
      if (
        !tables
          .get(cb.table)
          ?.foreignKeys?.some((fk) => fk.column === cb.foreignKey && fk.references === cb.parent)
      ) {
        problems.push(`${at}.foreignKey: ${cb.table}.${cb.foreignKey} is not a foreign key to ${cb.parent}`)
      }
      if (columnOf(cb.parent, cb.column)?.type !== 'timestamp')
        problems.push(`${at}.column: ${cb.parent}.${cb.column} must be a timestamp column`)
    }
  })
  scenario.traffic?.forEach((stream, i) => {
    const updates = stream.updates
    if (!updates) return
    const at = `traffic[${i}].updates`
    if (!tables.has(updates.table)) problems.push(`${at}.table: unknown table '${updates.table}'`)
    else
      updates.columns.forEach((name, c) => {
        if (!columnOf(updates.table, name))
          problems.push(`${at}.columns[${c}]: '${name}' is not a column of ${updates.table}`)
      })
  })
  if (problems.length > 0) return problems

  // The graph as a whole: row counts resolve, tables can be loaded and the target's deletion planned.
  for (const check of [
    () => rowCounts(scenario, 1),
    () => loadOrder(scenarioTables(scenario)),
    ...targets.map(
      ([, target]) =>
        () =>
          planDeletion(scenarioTables(scenario), target.table),
    ),
  ]) {
    try {
      check()
    } catch (error) {
      problems.push(`tables: ${(error as Error).message}`)
      break
    }
  }
  return problems
}

function generatorProblems(generator: Generator, at: string, tables: ReadonlyMap<string, unknown>): string[] {
  if (typeof generator === 'function') return []
  switch (generator.kind) {
    case 'faker':
      return isFakerMethod(generator.method)
        ? []
        : [`${at}.method: '${generator.method}' is not a faker method (e.g. person.fullName)`]
    case 'parent':
      return tables.has(generator.table) ? [] : [`${at}.table: unknown table '${generator.table}'`]
    case 'int':
      return generator.min <= generator.max
        ? []
        : [`${at}: min ${generator.min} is above max ${generator.max}`]
    case 'timestamp':
      return generator.fromDays <= generator.toDays ? [] : [`${at}: fromDays is after toDays`]
    case 'choice':
      return generator.weights && generator.weights.length !== generator.values.length
        ? [`${at}.weights: one weight per value`]
        : []
    case 'json':
      return Object.entries(generator.fields).flatMap(([name, field]) =>
        generatorProblems(field, `${at}.fields.${name}`, tables),
      )
    default:
      return []
  }
}
