import { rowCounts } from './row-counts.js'
import { scenarioTables } from './scenario-tables.js'
import type { Faker } from '@faker-js/faker'
import { isFakerMethod } from './faker-methods.js'
import { columnProblems } from './column-problems.js'
import { loadOrder, planDeletion } from './deletion-plan.js'
import type { Generator, Scenario, ScenarioColumn, ScenarioTable, TargetSpec } from './scenario.js'
import { foreignKeyColumns, fromIndexAlone, primaryKeyOf, referencedColumnsOf } from './scenario-keys.js'
import { sameColumns } from '../core/table-spec.js'

/**
 * The scenario's tables by name, for checking that names refer to things that exist, and faker, for
 * checking that the faker methods it names exist.
 */
class ScenarioNames {
  readonly tables: ReadonlyMap<string, ScenarioTable>
  readonly #faker: Faker | undefined

  constructor(scenario: Scenario, faker: Faker | undefined) {
    this.tables = new Map(scenario.tables.map((t) => [t.name, t]))
    this.#faker = faker
  }

  isFakerMethod(method: string): boolean {
    // Callers load faker for every scenario naming a faker method (fakerFor, mentionsFaker).
    if (!this.#faker) throw new Error(`faker was not loaded to check '${method}'`)
    return isFakerMethod(this.#faker, method)
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
  const key = primaryKeyOf(table)
  key.forEach((name, k) => {
    if (!names.columnOf(table.name, name))
      problems.push(`${at}.primaryKey: '${name}' is not a column of ${table.name}`)
    else if (key.indexOf(name) !== k) problems.push(`${at}.primaryKey: '${name}' is named twice`)
  })
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
      ...generatorProblems(column.generate, `${at}.columns[${c}].generate`, names),
      ...columnProblems(column, `${at}.columns[${c}]`),
    ),
  )
  if (table.partitioning && names.columnOf(table.name, table.partitioning.column)?.type !== 'timestamp')
    problems.push(
      `${at}.partitioning.column: '${table.partitioning.column}' must be a timestamp column of ${table.name}`,
    )
  return problems
}

/**
 * A table's foreign keys: one `column` or several `columns` of its own, as many as the parent columns
 * they reference (by default the parent's primary key, else its primary key or a unique index), of
 * matching types; nullable for `set null` and for a self-reference (a tree's roots reference nothing).
 */
function foreignKeyProblems(table: ScenarioTable, at: string, names: ScenarioNames): string[] {
  const problems: string[] = []
  table.foreignKeys?.forEach((fk, f) => {
    const where = `${at}.foreignKeys[${f}]`
    if ((fk.column === undefined) === (fk.columns === undefined)) {
      problems.push(`${where}: give either column or columns (a list, for a composite key)`)
      return
    }
    const columns = foreignKeyColumns(fk)
    const field = fk.columns ? 'columns' : 'column'
    const own = columns.map((name) => names.columnOf(table.name, name))
    own.forEach((column, c) => {
      if (!column) problems.push(`${where}.${field}: '${columns[c]}' is not a column of ${table.name}`)
    })
    const parent = names.tables.get(fk.references)
    if (!parent) {
      problems.push(`${where}.references: unknown table '${fk.references}'`)
      return
    }
    const referenced = referencedColumnsOf(fk, names.tables)
    const describe = `${fk.references} (${referenced.join(', ')})`
    if (!fk.referencedColumns && referenced.length === 0)
      problems.push(
        `${where}.referencedColumns: ${fk.references} has no primary key, so name the columns referenced`,
      )
    else if (referenced.length !== columns.length)
      problems.push(
        `${where}.${field}: ${columns.length} ${columns.length === 1 ? 'column references' : 'columns reference'} ${describe}, which has ${referenced.length}`,
      )
    else {
      const unique = [
        primaryKeyOf(parent),
        ...(parent.indexes ?? []).filter((ix) => ix.unique).map((ix) => ix.columns),
      ]
      if (!unique.some((key) => sameColumns(key, referenced)))
        problems.push(
          `${where}.referencedColumns: ${describe} is neither the primary key nor a unique index of ${fk.references}`,
        )
      referenced.forEach((name, c) => {
        const target = names.columnOf(fk.references, name)
        const column = own[c]
        if (!target)
          problems.push(`${where}.referencedColumns: '${name}' is not a column of ${fk.references}`)
        else if (column && integerLike(column.type) !== integerLike(target.type))
          problems.push(
            `${where}.${field}: ${table.name}.${column.name} (${column.type}) cannot reference ${fk.references}.${name} (${target.type})`,
          )
        else if (typeof target.generate !== 'function' && !fromIndexAlone(target.generate, fk.references))
          problems.push(
            `${where}.references: ${fk.references}.${name} is referenced, so it must be generated from the row index (sequence, nth-child, uuid, unique text or a block parent), not '${target.generate.kind}'`,
          )
      })
    }
    const nullable = own.every((column) => column?.nullable === true)
    if (fk.onDelete === 'set null' && !nullable)
      problems.push(`${where}.onDelete: 'set null' needs ${table.name}.${columns.join(', ')} to be nullable`)
    if (fk.references === table.name && !nullable)
      problems.push(
        `${where}: a self-reference needs ${table.name}.${columns.join(', ')} to be nullable (a tree's roots reference no row)`,
      )
    if (fk.references === table.name && primaryKeyOf(table).length === 0)
      problems.push(
        `${where}: a table that references itself needs a primary key (its subtrees are selected by key)`,
      )
  })
  return problems
}

const integerLike = (type: string) => type === 'integer' || type === 'bigint'

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
      ?.foreignKeys?.some(
        (fk) => sameColumns(foreignKeyColumns(fk), [cb.foreignKey]) && fk.references === cb.parent,
      )
    if (!references)
      problems.push(`${at}.foreignKey: ${cb.table}.${cb.foreignKey} is not a foreign key to ${cb.parent}`)
    const parent = names.tables.get(cb.parent)
    if (parent && primaryKeyOf(parent).length !== 1)
      problems.push(
        `${at}.parent: a touched table needs a single-column primary key (${cb.parent} has ${primaryKeyOf(parent).length})`,
      )
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
 * `faker`: loaded where the scenario names faker methods (`fakerFor`).
 */
export function scenarioProblems(scenario: Scenario, faker: Faker | undefined): string[] {
  const names = new ScenarioNames(scenario, faker)
  const problems = [
    ...scenario.tables.flatMap((_, t) => tableProblems(scenario, t, names)),
    ...referenceProblems(scenario, names),
  ]
  // The graph is planned only from sound declarations: a dangling name would fail it for the wrong reason.
  if (problems.length > 0) return problems
  const graph = graphProblem(scenario)
  return graph === undefined ? [] : [graph]
}

function generatorProblems(generator: Generator, at: string, names: ScenarioNames): string[] {
  const tables = names.tables
  if (typeof generator === 'function') return []
  switch (generator.kind) {
    case 'faker':
      return names.isFakerMethod(generator.method)
        ? []
        : [`${at}.method: '${generator.method}' is not a faker method (e.g. person.fullName)`]
    case 'parent':
    case 'nth-child':
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
        generatorProblems(field, `${at}.fields.${name}`, names),
      )
    default:
      return []
  }
}
