import { rowCounts } from './row-counts.js'
import { scenarioTables } from './scenario-tables.js'
import { isFakerMethod } from './faker-methods.js'
import { columnProblems } from './column-problems.js'
import { loadOrder, planDeletion } from './deletion-plan.js'
import type { Generator, Scenario, ScenarioColumn, ScenarioTable, TargetSpec } from './scenario.js'

/** The scenario's tables by name, for checking that names refer to things that exist. */
class ScenarioNames {
  readonly tables: ReadonlyMap<string, ScenarioTable>

  constructor(scenario: Scenario) {
    this.tables = new Map(scenario.tables.map((t) => [t.name, t]))
  }

  columnOf(table: string, column: string): ScenarioColumn | undefined {
    return this.tables.get(table)?.columns.find((c) => c.name === column)
  }
}

/** A table's own declarations: names declared once, an integer key, known references and columns. */
function tableProblems(scenario: Scenario, t: number, names: ScenarioNames): string[] {
  const table = scenario.tables[t] as ScenarioTable
  const at = `tables[${t}]`
  const problems: string[] = []
  if (scenario.tables.findIndex((other) => other.name === table.name) !== t)
    problems.push(`${at}.name: table '${table.name}' is declared twice`)
  const columns = table.columns.map((c) => c.name)
  columns.forEach((name, c) => {
    if (columns.indexOf(name) !== c)
      problems.push(`${at}.columns[${c}].name: column '${name}' is declared twice`)
  })
  const pk = names.columnOf(table.name, table.primaryKey)
  if (!pk) problems.push(`${at}.primaryKey: '${table.primaryKey}' is not a column of ${table.name}`)
  else if (pk.type !== 'integer' && pk.type !== 'bigint')
    problems.push(`${at}.primaryKey: '${table.primaryKey}' must be an integer column`)
  if (typeof table.rows !== 'number' && !names.tables.has(table.rows.of))
    problems.push(`${at}.rows.of: unknown table '${table.rows.of}'`)
  problems.push(...foreignKeyProblems(table, at, names))
  table.indexes?.forEach((ix, i) =>
    ix.columns.forEach((name, c) => {
      if (!names.columnOf(table.name, name))
        problems.push(`${at}.indexes[${i}].columns[${c}]: '${name}' is not a column of ${table.name}`)
    }),
  )
  table.columns.forEach((column, c) =>
    problems.push(
      ...generatorProblems(column.generate, `${at}.columns[${c}].generate`, names.tables),
      ...columnProblems(column, `${at}.columns[${c}]`),
    ),
  )
  if (table.partitioning && names.columnOf(table.name, table.partitioning.column)?.type !== 'timestamp')
    problems.push(
      `${at}.partitioning.column: '${table.partitioning.column}' must be a timestamp column of ${table.name}`,
    )
  return problems
}

/** A table's foreign keys: an integer column of its own, a known table, a nullable column for set null. */
function foreignKeyProblems(table: ScenarioTable, at: string, names: ScenarioNames): string[] {
  const problems: string[] = []
  table.foreignKeys?.forEach((fk, f) => {
    const where = `${at}.foreignKeys[${f}]`
    const column = names.columnOf(table.name, fk.column)
    if (!column) problems.push(`${where}.column: '${fk.column}' is not a column of ${table.name}`)
    else if (column.type !== 'integer' && column.type !== 'bigint')
      problems.push(`${where}.column: '${fk.column}' must be an integer column`)
    if (!names.tables.has(fk.references))
      problems.push(`${where}.references: unknown table '${fk.references}'`)
    if (fk.onDelete === 'set null' && column && !column.nullable)
      problems.push(`${where}.onDelete: 'set null' needs ${table.name}.${fk.column} to be nullable`)
  })
  return problems
}

/** The target and each variant, with the path of each in the scenario. */
function targetsOf(scenario: Scenario): [string, TargetSpec][] {
  return [
    ['target', scenario.target],
    ...Object.entries(scenario.variants ?? {}).map(([k, v]) => [`variants.${k}`, v] as [string, TargetSpec]),
  ]
}

/** Targets, callbacks and traffic: each names tables and columns that exist. */
function referenceProblems(scenario: Scenario, names: ScenarioNames): string[] {
  const problems: string[] = []
  for (const [at, target] of targetsOf(scenario)) {
    if (!names.tables.has(target.table)) problems.push(`${at}.table: unknown table '${target.table}'`)
    if (target.olderThan && !names.columnOf(target.table, target.olderThan.column))
      problems.push(`${at}.olderThan.column: '${target.olderThan.column}' is not a column of ${target.table}`)
  }
  scenario.callbacks?.forEach((cb, i) => {
    const at = `callbacks[${i}]`
    if (!names.tables.has(cb.table)) problems.push(`${at}.table: unknown table '${cb.table}'`)
    if (cb.kind !== 'touch') return
    const references = names.tables
      .get(cb.table)
      ?.foreignKeys?.some((fk) => fk.column === cb.foreignKey && fk.references === cb.parent)
    if (!references)
      problems.push(`${at}.foreignKey: ${cb.table}.${cb.foreignKey} is not a foreign key to ${cb.parent}`)
    if (names.columnOf(cb.parent, cb.column)?.type !== 'timestamp')
      problems.push(`${at}.column: ${cb.parent}.${cb.column} must be a timestamp column`)
  })
  scenario.traffic?.forEach((stream, i) => {
    const updates = stream.updates
    if (!updates) return
    const at = `traffic[${i}].updates`
    if (!names.tables.has(updates.table)) problems.push(`${at}.table: unknown table '${updates.table}'`)
    else
      updates.columns.forEach((name, c) => {
        if (!names.columnOf(updates.table, name))
          problems.push(`${at}.columns[${c}]: '${name}' is not a column of ${updates.table}`)
      })
  })
  return problems
}

/** The graph as a whole: row counts resolve, tables can be loaded and every target's deletion planned. */
function graphProblem(scenario: Scenario): string | undefined {
  const checks = [
    () => rowCounts(scenario, 1),
    () => loadOrder(scenarioTables(scenario)),
    ...targetsOf(scenario).map(
      ([, target]) =>
        () =>
          planDeletion(scenarioTables(scenario), target.table),
    ),
  ]
  for (const check of checks) {
    try {
      check()
    } catch (error) {
      return `tables: ${(error as Error).message}`
    }
  }
  return undefined
}

/**
 * Checks what a schema cannot: that names refer to things that exist, keys are integers, faker methods
 * are real, and the FK graph can be planned. Returns one problem per line, each with the path of the
 * field at fault (`tables[1].foreignKeys[0].references: unknown table 'jobz'`); empty when sound.
 */
export function scenarioProblems(scenario: Scenario): string[] {
  const names = new ScenarioNames(scenario)
  const problems = [
    ...scenario.tables.flatMap((_, t) => tableProblems(scenario, t, names)),
    ...referenceProblems(scenario, names),
  ]
  // The graph is planned only from sound declarations: a dangling name would fail it for the wrong reason.
  if (problems.length > 0) return problems
  const graph = graphProblem(scenario)
  return graph === undefined ? [] : [graph]
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
