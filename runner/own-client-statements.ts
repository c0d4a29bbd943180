/**
 * The statements of a strategy that drives a client of its own (`ownClient`): delbench's connection saw
 * only some of them. Pure, so which count wins and what it is called is tested on fixed inputs.
 */
import type { Counters } from '../db/instrumented-connection.js'
import { STATEMENT_KINDS, type StatementKind } from '../db/statement-kind.js'
import type { StatementsSource } from '../strategies/strategy.js'

/** Where a run's `statements` came from, and what they cover. */
export interface StatementsOrigin {
  readonly source: StatementsSource
  readonly note: string
}

/** The server's statement counters before and after the strategy, where it keeps them. */
export interface ServerStatementCount {
  readonly before: Readonly<Record<StatementKind, number>>
  readonly after: Readonly<Record<StatementKind, number>>
  readonly note: string
}

/**
 * The counts to record: the connection's plus the client's own report where it made one (`tool`); else
 * the server's count over the run, which covers the connection's statements too (`server`); else the
 * connection's alone (`none`: the client's statements are not in them).
 */
export function ownClientStatements(
  connection: Counters,
  reported:
    | { readonly counts: Readonly<Record<StatementKind, number>>; readonly sources: readonly string[] }
    | undefined,
  server: ServerStatementCount | undefined,
  serverUnavailable: string,
): { readonly counters: Counters; readonly origin: StatementsOrigin } {
  if (reported) {
    const added = sum(reported.counts)
    return {
      counters: withCounts(connection, (kind) => connection.statements[kind] + reported.counts[kind], added),
      origin: {
        source: 'tool',
        note: `the client’s own report (${reported.sources.join('; ')}) plus delbench’s connection`,
      },
    }
  }
  if (server) {
    const delta = (kind: StatementKind) => Math.max(0, server.after[kind] - server.before[kind])
    const total = STATEMENT_KINDS.reduce((n, kind) => n + delta(kind), 0)
    return {
      counters: withCounts(connection, delta, total - connection.statements.total),
      origin: { source: 'server', note: server.note },
    }
  }
  return {
    counters: connection,
    origin: {
      source: 'none',
      note: `delbench’s connection only: the client reported nothing and ${lowerFirst(serverUnavailable)}`,
    },
  }
}

function sum(counts: Readonly<Record<StatementKind, number>>): number {
  return STATEMENT_KINDS.reduce((n, kind) => n + counts[kind], 0)
}

/** Counters with each kind's count from `count`; round trips grown by `addedTrips` (one per statement). */
function withCounts(
  connection: Counters,
  count: (kind: StatementKind) => number,
  addedTrips: number,
): Counters {
  const statements = Object.fromEntries(STATEMENT_KINDS.map((kind) => [kind, count(kind)])) as Record<
    StatementKind,
    number
  >
  return {
    statements: Object.freeze({ ...statements, total: sum(statements) }),
    roundTrips: Math.max(0, connection.roundTrips + addedTrips),
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
