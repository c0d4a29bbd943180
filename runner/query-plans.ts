/**
 * The plans of a run's statements: each template of the first iteration explained once on the working
 * copy, by a connection of the harness's own (nothing counted), with its flags. Where the database can
 * run a statement and roll it back, the templates are then run once more on a fresh copy with their
 * steps timed (EXPLAIN ANALYZE), which measures what a plan only predicts: a cascade's trigger time, a
 * sort that spilled.
 */
import { errorLine } from './error-line.js'
import type { TemplateFigures } from '../db/statement-profile.js'
import type { QueryPlan } from '../db/query-plans.js'
import type { ProbedSession } from '../db/work-counters.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { MAX_TEMPLATES } from './profile-record.js'
import { flagsOf, type FlagContext, type PlanRecord } from './plan-flags.js'
import type { PreparedScenario } from './run-strategy.js'

/** Statements a plan says something about: transaction control and DDL have none. */
const EXPLAINED = new Set(['select', 'insert', 'update', 'delete'])

/** One analyzed call is given up after this long (a single DELETE of everything runs as long again). */
export const ANALYZE_STATEMENT_MS = 5000
/** Analyzing a run's templates stops after this long in all, keeping the plain plans of the rest. */
export const ANALYZE_TOTAL_MS = 15_000

const explained = (templates: readonly TemplateFigures[]) =>
  templates.slice(0, MAX_TEMPLATES).filter((t) => EXPLAINED.has(t.kind))

function flagContext(prepared: PreparedScenario): FlagContext {
  const { server, scenario, scale, tables } = prepared
  return {
    tables,
    rows: rowCounts(scenario, scale),
    unindexedForeignKeys: server.dialect.schema.unindexedForeignKeys,
  }
}

/** Each template's plan on `working` (one connection, closed after), as `plan` asks for it. */
async function plansOn(
  prepared: PreparedScenario,
  working: string,
  templates: readonly TemplateFigures[],
  plan: (conn: ProbedSession, figures: TemplateFigures) => Promise<QueryPlan | undefined>,
): Promise<Map<string, QueryPlan | string>> {
  const conn = await prepared.server.openDatabase(working)
  const plans = new Map<string, QueryPlan | string>()
  try {
    for (const figures of explained(templates)) {
      const found = await plan(conn, figures).catch((e: unknown) => errorLine(e))
      if (found !== undefined) plans.set(figures.template, found)
    }
    return plans
  } finally {
    await conn.close()
  }
}

/** Plain plans (nothing executed), as the statistics the deletion ran with chose them. */
export async function explainTemplates(
  prepared: PreparedScenario,
  working: string,
  templates: readonly TemplateFigures[],
): Promise<PlanRecord[]> {
  const { plans: planner } = prepared.server.dialect
  const context = flagContext(prepared)
  const plans = await plansOn(prepared, working, templates, (conn, f) =>
    planner.explain(conn, f.example.sql, f.example.params),
  )
  return explained(templates).map((figures) => {
    const plan = plans.get(figures.template)
    return {
      template: figures.template,
      plan:
        typeof plan === 'string' || plan === undefined ? `not explained: ${plan ?? 'no plan'}` : plan.text,
      flags: flagsOf(figures, typeof plan === 'string' ? undefined : plan, context),
    }
  })
}

/** Whether the database can time these templates' plans by running them (rolled back). */
export function analyzable(prepared: PreparedScenario, templates: readonly TemplateFigures[]): boolean {
  return prepared.server.dialect.plans.analyze !== undefined && explained(templates).length > 0
}

/**
 * The plans measured: each template's first call run again, in the order the first calls came, with
 * EXPLAIN ANALYZE in one transaction rolled back, on `fresh` (a working copy restored as the deletion
 * found it: on the deleted copy a DELETE finds nothing). A template that fails or finds its time spent
 * keeps its plain plan, with the reason.
 */
export async function analyzeTemplates(
  prepared: PreparedScenario,
  fresh: string,
  templates: readonly TemplateFigures[],
  plain: readonly PlanRecord[],
  /** How long the analysis may take in all, ms. */
  totalMs = ANALYZE_TOTAL_MS,
): Promise<PlanRecord[]> {
  const analyze = prepared.server.dialect.plans.analyze
  if (!analyze) return [...plain]
  const context = flagContext(prepared)
  const ordered = [...explained(templates)].sort((a, b) => a.firstCall - b.firstCall)
  const conn = await prepared.server.openDatabase(fresh)
  const measured = await analyze(
    conn,
    ordered.map((t) => t.example),
    { statementMs: ANALYZE_STATEMENT_MS, totalMs: Math.min(totalMs, ANALYZE_TOTAL_MS) },
  ).finally(() => conn.close())
  const byTemplate = new Map(ordered.map((t, i) => [t.template, { figures: t, plan: measured[i] }]))
  return plain.map((record) => {
    const found = byTemplate.get(record.template)
    if (!found || found.plan === undefined) return record
    const { figures, plan } = found
    if (typeof plan === 'string') return { ...record, plan: `${record.plan}\n(not analyzed: ${plan})` }
    return {
      template: record.template,
      plan: plan.text,
      analyzed: true,
      flags: flagsOf(figures, plan, context),
    }
  })
}
