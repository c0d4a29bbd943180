import { describe, expect, it } from 'vitest'
import { loadOrder, PlanError, planDeletion, type PlannedTable } from '../scenarios/deletion-plan.js'
import { jobHistory } from '../scenarios/builtins/job-history.js'
import { scenarioTables } from '../scenarios/scenario-tables.js'

const fk = (
  column: string,
  references: string,
  onDelete: 'cascade' | 'restrict' | 'set null' = 'restrict',
) => ({
  columns: [column],
  references,
  referencedColumns: ['id'],
  onDelete,
  indexed: true,
})
const table = (name: string, foreignKeys: ReturnType<typeof fk>[] = [], primaryKey = 'id'): PlannedTable => ({
  name,
  primaryKey: [primaryKey],
  foreignKeys,
})
/** An edge as plans record it. */
const edge = (column: string, parent: string, onDelete: string) => ({
  columns: [column],
  parent,
  referencedColumns: ['id'],
  onDelete,
})

describe('FK-graph planning', () => {
  it('orders the job-history deletion as the field report did: links, configs, summaries, events, jobs, unified jobs', () => {
    const plan = planDeletion(scenarioTables(jobHistory), 'unified_jobs')
    expect(plan.steps.map((s) => s.table)).toEqual([
      'unified_job_credentials',
      'job_launch_configs',
      'job_host_summaries',
      'job_events',
      'jobs',
      'unified_jobs',
    ])
    const relation = Object.fromEntries(plan.steps.map((s) => [s.table, s.relation]))
    expect(relation).toEqual({
      unified_job_credentials: 'link',
      job_launch_configs: 'child',
      job_host_summaries: 'child',
      job_events: 'child',
      jobs: 'inherits',
      unified_jobs: 'root',
    })
    expect(plan.steps.find((s) => s.table === 'job_events')).toMatchObject({
      depth: 2,
      action: 'delete',
      via: [
        { columns: ['job_id'], parent: 'jobs', referencedColumns: ['unified_job_id'], onDelete: 'restrict' },
      ],
    })
    // credentials are referenced by a link row but survive.
    expect(plan.steps.some((s) => s.table === 'credentials')).toBe(false)
  })

  it('updates set-null dependents instead of deleting them, before their parent goes, and not beyond them', () => {
    const tables = [
      table('authors'),
      table('posts', [fk('author_id', 'authors', 'cascade')]),
      table('drafts', [fk('author_id', 'authors', 'set null')]),
      table('draft_notes', [fk('draft_id', 'drafts', 'cascade')]),
    ]
    const plan = planDeletion(tables, 'authors')
    expect(plan.steps.map((s) => [s.table, s.action])).toEqual([
      ['posts', 'delete'],
      ['drafts', 'set null'],
      ['authors', 'delete'],
    ])
  })

  it('gives a table reached by a deleting and a set-null path both steps, each before its parent goes', () => {
    const tables = [
      table('a'),
      table('b', [fk('a_id', 'a')]),
      table('c', [fk('a_id', 'a', 'set null'), fk('b_id', 'b')]),
    ]
    const plan = planDeletion(tables, 'a')
    expect(plan.steps.map((s) => [s.table, s.action])).toEqual([
      ['c', 'delete'],
      ['b', 'delete'],
      ['c', 'set null'],
      ['a', 'delete'],
    ])
    expect(plan.steps[0]?.via).toEqual([edge('b_id', 'b', 'restrict')])
    expect(plan.steps[2]?.via).toEqual([edge('a_id', 'a', 'set null')])
  })

  it('plans a diamond children-first whatever the declaration order', () => {
    const tables = [
      table('leaf', [fk('l_id', 'left'), fk('r_id', 'right')]),
      table('right', [fk('root_id', 'root')]),
      table('left', [fk('root_id', 'root')]),
      table('root'),
    ]
    const order = planDeletion(tables, 'root').steps.map((s) => s.table)
    expect(order.indexOf('leaf')).toBeLessThan(order.indexOf('left'))
    expect(order.indexOf('leaf')).toBeLessThan(order.indexOf('right'))
    expect(order.at(-1)).toBe('root')
    expect(loadOrder(tables)).toEqual(['root', 'right', 'left', 'leaf'])
  })

  it('names its root step, the last of its steps, with set-null dependents before it', () => {
    const tables = [
      table('authors'),
      table('posts', [fk('author_id', 'authors', 'cascade')]),
      table('drafts', [fk('author_id', 'authors', 'set null')]),
    ]
    const plan = planDeletion(tables, 'authors')
    expect(plan.rootStep).toBe(plan.steps.at(-1))
    expect(plan.rootStep).toEqual({
      table: 'authors',
      primaryKey: ['id'],
      action: 'delete',
      relation: 'root',
      via: [],
      depth: 0,
    })
    const alone = planDeletion([table('a', [], 'a_id')], 'a')
    expect(alone.steps).toEqual([alone.rootStep])
  })

  it('plans only the target’s dependents, not tables beside them', () => {
    const tables = [table('a'), table('b', [fk('a_id', 'a')]), table('unrelated')]
    expect(planDeletion(tables, 'b').steps.map((s) => s.table)).toEqual(['b'])
  })

  it('rejects a cycle, naming its tables', () => {
    const tables = [
      table('a', [fk('c_id', 'c')]),
      table('b', [fk('a_id', 'a')]),
      table('c', [fk('b_id', 'b')]),
    ]
    expect(() => planDeletion(tables, 'a')).toThrow(PlanError)
    expect(() => planDeletion(tables, 'a')).toThrow(/cycle among tables a, b, c/)
    expect(() => loadOrder(tables)).toThrow(/cycle/)
  })

  it('follows a self-reference: a deleting one makes the root step a subtree, a set-null one nulls children', () => {
    const tree = planDeletion([table('employees', [fk('manager_id', 'employees')])], 'employees')
    expect(tree.steps).toEqual([tree.rootStep])
    expect(tree.rootStep.via).toEqual([edge('manager_id', 'employees', 'restrict')])
    expect(loadOrder([table('employees', [fk('manager_id', 'employees')])])).toEqual(['employees'])
    const nulling = planDeletion([table('posts', [fk('parent_id', 'posts', 'set null')])], 'posts')
    expect(nulling.steps.map((s) => [s.table, s.action])).toEqual([
      ['posts', 'set null'],
      ['posts', 'delete'],
    ])
    expect(nulling.rootStep.via).toEqual([])
  })

  it('breaks a cycle at its nullable foreign key, nulled before the rows it references go', () => {
    const nullable = (t: PlannedTable, column: string): PlannedTable => ({
      ...t,
      columns: [{ name: column, nullable: true }],
    })
    const tables = [
      nullable(table('stores', [fk('manager_id', 'staff')]), 'manager_id'),
      table('staff', [fk('store_id', 'stores', 'cascade')]),
    ]
    const plan = planDeletion(tables, 'stores')
    expect(plan.steps.map((s) => [s.table, s.action])).toEqual([
      ['stores', 'set null'],
      ['staff', 'delete'],
      ['stores', 'delete'],
    ])
    expect(plan.steps[0]?.via).toEqual([{ ...edge('manager_id', 'staff', 'restrict'), breaksCycle: true }])
    expect(loadOrder(tables)).toEqual(['stores', 'staff'])
    expect(planDeletion(tables, 'staff').steps.map((s) => [s.table, s.action])).toEqual([
      ['stores', 'set null'],
      ['staff', 'delete'],
    ])
  })

  it('follows a cascading FK of a cycle that another nullable FK breaks, and refuses a cycle only a cascading FK could break', () => {
    const nullable = (t: PlannedTable, column: string): PlannedTable => ({
      ...t,
      columns: [{ name: column, nullable: true }],
    })
    // Found by the property tests: t0.back1_id (nullable, cascade) was nulled by the plan while the
    // database cascaded through it, so naive-bulk's correct deletion was called wrong.
    const onlyCascade = [
      nullable(table('t0', [fk('back1_id', 't1', 'cascade')]), 'back1_id'),
      table('t1', [fk('p0_id', 't0', 'cascade')]),
    ]
    expect(() => planDeletion(onlyCascade, 't0')).toThrow(
      /cycle among tables t0, t1 that only t0\.back1_id \(nullable, ON DELETE CASCADE\) could break/,
    )
    const both = [
      nullable(table('t0', [fk('back1_id', 't1', 'cascade')]), 'back1_id'),
      nullable(table('t1', [fk('p0_id', 't0', 'restrict')]), 'p0_id'),
    ]
    const plan = planDeletion(both, 't0')
    expect(plan.steps.map((s) => [s.table, s.action])).toEqual([
      ['t1', 'set null'],
      ['t0', 'delete'],
    ])
  })

  it('rejects unknown tables', () => {
    expect(() => planDeletion([table('a')], 'b')).toThrow(
      /target table 'b' is not one of the scenario's tables/,
    )
    expect(() => planDeletion([table('a', [fk('x_id', 'x')])], 'a')).toThrow(
      /a\.x_id references unknown table 'x'/,
    )
  })
})
