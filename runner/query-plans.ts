/**
 * The plans of a run's statements: each template of the first iteration explained once, on the working
 * copy, by a connection of the harness's own (nothing counted, nothing executed), with its flags.
 */
import { errorLine } from './error-line.js'
import type { TemplateFigures } from '../db/statement-profile.js'
import { rowCounts } from '../scenarios/row-counts.js'
import { MAX_TEMPLATES } from './profile-record.js'
import { flagsOf, type PlanRecord } from './plan-flags.js'
import type { PreparedScenario } from './run-strategy.js'

/** Statements a plan says something about: transaction control and DDL have none. */
const EXPLAINED = new Set(['select', 'insert', 'update', 'delete'])

export async function explainTemplates(
  prepared: PreparedScenario,
  working: string,
  templates: readonly TemplateFigures[],
): Promise<PlanRecord[]> {
  const { server, scenario, scale, tables } = prepared
  const context = {
    tables,
    rows: rowCounts(scenario, scale),
    unindexedForeignKeys: server.dialect.schema.unindexedForeignKeys,
  }
  const conn = await server.openDatabase(working)
  try {
    const plans: PlanRecord[] = []
    for (const figures of templates.slice(0, MAX_TEMPLATES)) {
      if (!EXPLAINED.has(figures.kind)) continue
      const { sql, params } = figures.example
      const plan = await server.dialect.plans.explain(conn, sql, params).catch((e: unknown) => errorLine(e))
      plans.push({
        template: figures.template,
        plan: typeof plan === 'string' ? `not explained: ${plan}` : plan.text,
        flags: flagsOf(figures, typeof plan === 'string' ? undefined : plan, context),
      })
    }
    return plans
  } finally {
    await conn.close()
  }
}
