import { fingerprint } from './statement-fingerprint.js'
import type { StatementKind } from './statement-kind.js'

/** One template's figures in a statement profile, as measured on the client. */
export interface TemplateFigures {
  /** The statement's text with its values collapsed (`fingerprint`). */
  readonly template: string
  readonly kind: StatementKind
  readonly calls: number
  readonly totalMs: number
  readonly meanMs: number
  /** The 95th percentile of one call's time (nearest rank). */
  readonly p95Ms: number
  readonly maxMs: number
  /** Rows affected (writes) or returned (reads), summed over the calls. */
  readonly rows: number
  /** The first call's text and parameters: what a plan is asked for. */
  readonly example: { readonly sql: string; readonly params: readonly unknown[] }
  /** Which template's first call came first (0, 1, …): the order a replay of first calls follows. */
  readonly firstCall: number
}

interface Accumulator {
  readonly firstCall: number
  readonly kind: StatementKind
  readonly example: TemplateFigures['example']
  calls: number
  totalMs: number
  maxMs: number
  rows: number
  /** Every call's time, for the percentile: 8 bytes a call, freed with the profile. */
  readonly durations: number[]
}

/**
 * Statements grouped by template with their time, as the instrumented connection sends them. Adding
 * a statement is a cached fingerprint, a map look-up and a few additions: cheap enough for every
 * statement of every run.
 */
export class StatementProfile {
  readonly #templates = new Map<string, Accumulator>()
  /** Statements sent and not yet answered, by ticket: what a run stopped mid-statement was doing. */
  readonly #running = new Map<
    number,
    { sql: string; params: readonly unknown[]; kind: StatementKind; at: number }
  >()
  #tickets = 0

  /** Notes a statement sent at `at` (`performance.now()`); `add` with its ticket ends it. */
  start(sql: string, params: readonly unknown[], kind: StatementKind, at: number): number {
    const ticket = this.#tickets++
    this.#running.set(ticket, { sql, params, kind, at })
    return ticket
  }

  /** Statements under way now. */
  get running(): number {
    return this.#running.size
  }

  /** Records one executed statement (or one that failed: its time was spent too). */
  add(
    sql: string,
    params: readonly unknown[],
    kind: StatementKind,
    ms: number,
    rows: number,
    ticket?: number,
  ): void {
    if (ticket !== undefined) this.#running.delete(ticket)
    const template = fingerprint(sql)
    let entry = this.#templates.get(template)
    if (!entry) {
      entry = {
        firstCall: this.#templates.size,
        kind,
        example: { sql, params },
        calls: 0,
        totalMs: 0,
        maxMs: 0,
        rows: 0,
        durations: [],
      }
      this.#templates.set(template, entry)
    }
    entry.calls++
    entry.totalMs += ms
    if (ms > entry.maxMs) entry.maxMs = ms
    entry.rows += rows
    entry.durations.push(ms)
  }

  /**
   * The templates so far, most total time first. Given `now`, the statements under way count too, as
   * calls that took their time so far (a run stopped by its budget mid-statement shows where it was).
   */
  figures(now?: number): TemplateFigures[] {
    let templates = this.#templates
    if (now !== undefined && this.#running.size > 0) {
      const copy = new StatementProfile()
      for (const [template, e] of this.#templates)
        copy.#templates.set(template, { ...e, durations: [...e.durations] })
      for (const r of this.#running.values()) copy.add(r.sql, r.params, r.kind, Math.max(0, now - r.at), 0)
      templates = copy.#templates
    }
    return [...templates]
      .map(([template, e]) => ({
        template,
        kind: e.kind,
        calls: e.calls,
        totalMs: e.totalMs,
        meanMs: e.totalMs / e.calls,
        p95Ms: nearestRank(e.durations, 0.95),
        maxMs: e.maxMs,
        rows: e.rows,
        example: e.example,
        firstCall: e.firstCall,
      }))
      .sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls)
  }
}

/** The nearest-rank percentile of a non-empty sample. */
export function nearestRank(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? 0
}
