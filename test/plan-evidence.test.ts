import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../core/results-schema.js'
import { diskSorts, executionMs, nestedLoopScans, triggerTimes } from '../db/postgres/postgres-plan-text.js'
import type { QueryPlan } from '../db/query-plans.js'
import type { TemplateFigures } from '../db/statement-profile.js'
import { groupCharts, templateStacks } from '../reports/chart-specs.js'
import { planWarnings } from '../reports/profile-prose.js'
import { reportGroups } from '../reports/report-model.js'
import { flagsOf, type FlagContext } from '../runner/plan-flags.js'
import type { ForeignKeySpec, TableSpec } from '../core/table-spec.js'
import { readValidResults } from './support/results.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))

/** PostgreSQL 15's EXPLAIN ANALYZE of a DELETE whose cascade goes two levels down, unindexed. */
const CASCADE = `Delete on p  (cost=0.28..8.29 rows=0 width=0) (actual time=0.019..0.020 rows=0 loops=1)
  ->  Index Scan using p_pkey on p  (cost=0.28..8.29 rows=1 width=6) (actual time=0.007..0.007 rows=1 loops=1)
        Index Cond: (id = 5)
Planning Time: 0.116 ms
Trigger for constraint c_p_id_fkey on p: time=1.098 calls=1
Trigger RI_ConstraintTrigger_a_16551 for constraint g_c_id_fkey on c: time=16.939 calls=10
Execution Time: 18.095 ms`

const SPILLED = `Sort  (cost=3047.77..3097.77 rows=20000 width=41) (actual time=48.154..53.661 rows=20000 loops=1)
  Sort Key: c.w DESC
  Sort Method: external merge  Disk: 1056kB
  ->  Seq Scan on c  (cost=0.00..387.00 rows=20000 width=41) (actual time=0.009..1.499 rows=20000 loops=1)
Planning Time: 0.128 ms
Execution Time: 54.413 ms`

const NESTED = `Nested Loop  (cost=0.00..1020.91 rows=20 width=49)
  Join Filter: (p.id = c.p_id)
  ->  Seq Scan on p  (cost=0.00..34.00 rows=2 width=8)
        Filter: (v < 3)
  ->  Materialize  (cost=0.00..34.01 rows=2 width=8)
        ->  Seq Scan on c  (cost=0.00..387.00 rows=20000 width=41)`

describe('PostgreSQL plan text', () => {
  it('reads the constraint triggers and the execution time of an analyzed plan', () => {
    expect(triggerTimes(CASCADE)).toEqual([
      { constraint: 'c_p_id_fkey', ms: 1.098, calls: 1 },
      { constraint: 'g_c_id_fkey', ms: 16.939, calls: 10 },
    ])
    expect(executionMs(CASCADE)).toBe(18.095)
    expect(diskSorts(CASCADE)).toEqual([])
    expect(nestedLoopScans(CASCADE)).toEqual([])
  })

  it('finds a sort spilled to disk, with the table and key, and a nested loop reading its inner table whole', () => {
    expect(diskSorts(SPILLED)).toEqual([{ table: 'c', key: 'w DESC', diskKb: 1056 }])
    // The outer side (p) is read once: only the inner side's scan is per outer row.
    expect(nestedLoopScans(NESTED)).toEqual([{ table: 'c', condition: '(p.id = c.p_id)' }])
  })
})

function table(name: string, fk?: { column: string; references: string }): TableSpec {
  const foreignKeys: ForeignKeySpec[] = fk
    ? [
        {
          columns: [fk.column],
          references: fk.references,
          referencedColumns: ['id'],
          onDelete: 'cascade',
          indexed: false,
        },
      ]
    : []
  return { name, columns: [], primaryKey: ['id'], foreignKeys, indexes: [] }
}

/** p ← c (p_id, cascade, unindexed) ← g (c_id, cascade, unindexed). */
const CONTEXT: FlagContext = {
  tables: [
    table('p'),
    table('c', { column: 'p_id', references: 'p' }),
    table('g', { column: 'c_id', references: 'c' }),
  ],
  rows: { p: 2000, c: 20000, g: 20000 },
  unindexedForeignKeys: true,
}

const figures = (template: string, calls: number): TemplateFigures => ({
  template,
  kind: template.startsWith('DELETE') ? 'delete' : 'select',
  calls,
  totalMs: calls,
  meanMs: 1,
  p95Ms: 1,
  maxMs: 1,
  rows: calls,
  example: { sql: template, params: [] },
  firstCall: 0,
})

const analyzed = (text: string, triggers: QueryPlan['constraintTriggers'] = []): QueryPlan => ({
  text,
  fullScans: [],
  analyzed: true,
  executionMs: executionMs(text) ?? 0,
  constraintTriggers: triggers,
  nestedLoopScans: nestedLoopScans(text),
  diskSorts: diskSorts(text),
})

describe('plan flags with evidence', () => {
  it('name each FK a cascade reached, with its trigger time from the analyzed call', () => {
    const plan = analyzed(CASCADE, [
      { constraint: 'c_p_id_fkey', table: 'c', columns: ['p_id'], ms: 1.098, calls: 1 },
      { constraint: 'g_c_id_fkey', table: 'g', columns: ['c_id'], ms: 16.939, calls: 10 },
    ])
    const flags = flagsOf(figures('DELETE FROM p WHERE id = ?', 2000), plan, CONTEXT)
    expect(flags.map((f) => [f.kind, f.table, f.column, f.fix, f.evidenceMs, f.statementMs])).toEqual([
      ['unindexed-foreign-key', 'c', 'p_id', 'CREATE INDEX ON c (p_id)', 1.098, 18.095],
      ['unindexed-foreign-key', 'g', 'c_id', 'CREATE INDEX ON g (c_id)', 16.939, 18.095],
    ])
    expect(flags[1]?.message).toContain('a DELETE from p (through c) cascades to g.c_id')
    expect(flags[1]?.evidence).toBe(
      "EXPLAIN ANALYZE of one call, rolled back: Trigger for constraint g_c_id_fkey fired 10 times and took 16.9 ms of the statement's 18.1 ms",
    )
  })

  it('drop a cascade the analyzed call never reached (the strategy emptied the table first), not a direct one', () => {
    const plan = analyzed(CASCADE, [])
    const flags = flagsOf(figures('DELETE FROM p WHERE id = ?', 2000), plan, CONTEXT)
    expect(flags.map((f) => `${f.table}.${f.column ?? ''}`)).toEqual(['c.p_id'])
    expect(flags[0]?.evidence).toBeUndefined()
    // Unanalyzed, the plan cannot tell: both are named.
    expect(flagsOf(figures('DELETE FROM p WHERE id = ?', 2000), undefined, CONTEXT)).toHaveLength(2)
  })

  it('flag a nested loop over an unindexed FK and a sort spilled to disk, naming table, column and index', () => {
    const loop = flagsOf(figures('SELECT * FROM p JOIN c ON c.p_id = p.id', 1), analyzed(NESTED), CONTEXT)
    expect(loop.map((f) => [f.kind, f.table, f.column, f.fix])).toEqual([
      ['nested-loop-full-scan', 'c', 'p_id', 'CREATE INDEX ON c (p_id)'],
    ])
    const sort = flagsOf(figures('SELECT * FROM c ORDER BY w DESC', 3), analyzed(SPILLED), CONTEXT)
    expect(sort.map((f) => [f.kind, f.table, f.column, f.fix])).toEqual([
      ['sort-spill', 'c', 'w', 'CREATE INDEX ON c (w DESC)'],
    ])
    expect(sort[0]?.evidence).toContain('Disk 1056 kB')
    // Indexed FKs are never flagged.
    const indexed = { ...CONTEXT, unindexedForeignKeys: false }
    expect(flagsOf(figures('SELECT * FROM p JOIN c ON c.p_id = p.id', 1), analyzed(NESTED), indexed)).toEqual(
      [],
    )
  })
})

describe('the report’s warning', () => {
  it('says in one line which FK lacks an index and what it cost', () => {
    const document = readValidResults(path.join(HERE, 'fixtures/results-servers.json'))
    const run = document.runs.find((r) => r.status === 'ok') as RunRecord
    const template = 'DELETE FROM p WHERE id = ?'
    const flag = flagsOf(
      figures(template, 2000),
      analyzed(CASCADE, [{ constraint: 'c_p_id_fkey', table: 'c', columns: ['p_id'], ms: 14.5, calls: 1 }]),
      CONTEXT,
    )[0]
    const flagged: RunRecord = {
      ...run,
      profile: {
        covers: 'first-iteration',
        iterationMs: 1000,
        statementsMs: 900,
        outsideStatementsMs: 100,
        templates: [
          {
            template,
            kind: 'delete',
            calls: 2000,
            totalMs: 850,
            meanMs: 0.425,
            p95Ms: 1,
            maxMs: 2,
            rows: 2000,
            share: 0.85,
          },
        ],
      },
      plans: [{ template, plan: CASCADE, analyzed: true, flags: flag ? [flag] : [] }],
    }
    const [group] = reportGroups({ ...document, runs: [flagged] })
    const warnings = planWarnings(group as NonNullable<typeof group>)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).not.toContain('\n')
    expect(warnings[0]).toMatch(
      /^c\.p_id has no index \(CREATE INDEX ON c \(p_id\)\); the DELETE's check or cascade searching it took 15 ms of the statement's 18 ms \(80%\) in one call timed by EXPLAIN ANALYZE \(rolled back\); the flagged statements took naive-bulk 850 ms \(85%\)$/,
    )
  })
})

describe('the time-by-template chart', () => {
  it('stacks each run’s first iteration by template, the rest of its statements, and the time outside them', () => {
    const document = readValidResults(path.join(HERE, 'fixtures/results-servers.json'))
    const base = document.runs.find((r) => r.status === 'ok') as RunRecord
    const template = (name: string, totalMs: number, share: number) => ({
      template: name,
      kind: 'delete' as const,
      calls: 1,
      totalMs,
      meanMs: totalMs,
      p95Ms: totalMs,
      maxMs: totalMs,
      rows: 1,
      share,
    })
    const profiled = (
      strategy: string,
      templates: ReturnType<typeof template>[],
      outside: number,
    ): RunRecord => {
      const statementsMs = templates.reduce((sum, t) => sum + t.totalMs, 0)
      return {
        ...base,
        strategy,
        profile: {
          covers: 'first-iteration',
          iterationMs: statementsMs + outside,
          statementsMs,
          outsideStatementsMs: outside,
          templates,
        },
      }
    }
    // Eight templates in the second run: the six that cost most each a segment, two summed.
    const many = Array.from({ length: 8 }, (_, i) =>
      template(`DELETE FROM t${i} WHERE id = ?`, 80 - i * 10, 0.1),
    )
    const runs = [
      profiled('per-row', [template('DELETE FROM books WHERE id = ?', 900, 0.9)], 100),
      profiled('batched', many, 0),
    ]
    const [group] = reportGroups({ ...document, runs })
    const rows = (group as NonNullable<typeof group>).rows
    const stacks = templateStacks(rows)
    const order = rows.map((r) => r.run.strategy)
    expect(stacks.labels).toEqual(order)
    const data = (label: string) => stacks.datasets.find((d) => d.label === label)?.data
    const at = (strategy: string) => order.indexOf(strategy)
    expect(stacks.datasets.map((d) => d.label)).toEqual([
      'DELETE FROM books WHERE id = ?',
      ...many.slice(0, 5).map((t) => t.template),
      'other statements',
      'outside statements',
    ])
    expect(data('DELETE FROM books WHERE id = ?')?.[at('per-row')]).toBe(900)
    expect(data('DELETE FROM t0 WHERE id = ?')?.[at('batched')]).toBe(80)
    // t5, t6, t7: 30 + 20 + 10 ms.
    expect(data('other statements')?.[at('batched')]).toBe(60)
    expect(data('outside statements')?.[at('per-row')]).toBe(100)
    // Drawn as one stacked bar per run.
    const chart = groupCharts(group as NonNullable<typeof group>).find((c) => c.id.endsWith('-templates'))
    expect(chart?.config.type).toBe('bar')
    expect(chart?.config.options?.scales?.x).toMatchObject({ stacked: true })
    expect(chart?.config.data.datasets.map((d) => d.data)).toEqual(stacks.datasets.map((d) => d.data))
  })
})
