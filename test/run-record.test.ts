import { describe, expect, it } from 'vitest'
import type { Counters } from '../db/instrumented-connection.js'
import { runRecordOf, statusOf, type Iteration, type IterationFigures } from '../runner/run-record.js'
import { profileRecord } from '../runner/profile-record.js'
import type { TrafficStats } from '../runner/traffic-protocol.js'

const counts = (del: number, select = 1): Counters => ({
  statements: {
    select,
    insert: 0,
    update: 0,
    delete: del,
    begin: 0,
    commit: 0,
    rollback: 0,
    other: 0,
    total: select + del,
  },
  roundTrips: select + del,
})

const iteration = (over: Partial<Iteration> = {}): Iteration => ({
  counters: counts(5),
  profile: profileRecord([], 10),
  work: { scope: 'database', counters: null, deterministic: [], note: 'unavailable' },
  verdict: { ok: true, problems: [], rowsDeleted: { books: 500 } },
  signals: { sent: 0, delivered: 0 },
  figures: {},
  restore: { method: 'clone', seconds: 0.25 },
  ...over,
})

const wrong = (problem: string): Iteration =>
  iteration({ verdict: { ok: false, problems: [problem], rowsDeleted: { books: 499 } } })

const traffic = (name: string, p99Ms: number): TrafficStats => ({
  name,
  rate: 20,
  intended: 10,
  completed: 10,
  pending: 0,
  errors: {},
  p50Ms: 1,
  p99Ms,
  maxMs: p99Ms + 1,
  elapsedMs: 500,
})

const timing = { samples: [12, 10], min: 10, median: 11, mean: 11, max: 12, rme: 4.5 }

const figures: IterationFigures = {
  timing,
  clientCpuMs: [3.14159, 2.96, 9],
  memory: { peakRssBytes: 1000, peakHeapBytes: 400 },
}

describe('the run record of a strategy’s iterations', () => {
  it('is ok where every iteration deleted the right rows, with counts of the first and timing', () => {
    const record = runRecordOf([iteration(), iteration()], figures, 'client process only', false)
    expect(record).toEqual({
      status: 'ok',
      iterations: 2,
      timing,
      statements: counts(5).statements,
      roundTrips: 6,
      statementsStable: true,
      rowsDeleted: { books: 500 },
      profile: {
        covers: 'first-iteration',
        iterationMs: 10,
        statementsMs: 0,
        outsideStatementsMs: 10,
        templates: [],
      },
      // One per iteration that finished, to a tenth of a millisecond.
      clientCpuMs: [3.1, 3],
      memory: { peakRssBytes: 1000, peakHeapBytes: 400, note: 'client process only' },
      signals: { sent: 0, delivered: 0 },
      restore: { method: 'clone', methods: ['clone', 'clone'], seconds: [0.25, 0.25] },
      verification: { ok: true, problems: [] },
      work: { scope: 'database', counters: null, deterministic: [], note: 'unavailable' },
    })
  })

  it('notices counts that differ between iterations', () => {
    const record = runRecordOf([iteration(), iteration({ counters: counts(6) })], figures, '', false)
    expect(record.statementsStable).toBe(false)
    expect(record.statements?.total).toBe(6)
  })

  it('is failed with the strategy’s error before any wrong result, and then has no timing', () => {
    const failed = iteration({ error: 'FOREIGN KEY constraint failed' })
    expect(statusOf([wrong('1 survivor deleted'), failed])).toEqual({
      status: 'failed',
      error: 'FOREIGN KEY constraint failed',
    })
    const record = runRecordOf([wrong('1 survivor deleted'), failed], figures, '', false)
    expect(record.status).toBe('failed')
    expect(record.timing).toBeUndefined()
    // The verification shown is the first wrong iteration's.
    expect(record.verification).toEqual({ ok: false, problems: ['1 survivor deleted'] })
  })

  it('is a wrong result with the first problem as its error', () => {
    const record = runRecordOf([iteration(), wrong('books: 1 target left')], figures, '', false)
    expect(record).toMatchObject({
      status: 'wrong-result',
      error: 'books: 1 target left',
      verification: { ok: false, problems: ['books: 1 target left'] },
      rowsDeleted: { books: 500 },
    })
    expect(record.timing).toBeUndefined()
  })

  it('keeps the first iteration’s figures, the cost, and the worst traffic per stream', () => {
    const record = runRecordOf(
      [
        iteration({
          figures: { writesBlockedMs: 7 },
          foreground: [traffic('read', 30), traffic('write', 5)],
        }),
        iteration({
          figures: { writesBlockedMs: 9 },
          foreground: [traffic('read', 20), traffic('write', 50)],
        }),
      ],
      {
        ...figures,
        databaseCost: {
          logBytes: null,
          tableBytesBefore: 100,
          tableBytesAfter: 100,
          tableBytesAfterReclaim: 60,
          reclaimSeconds: 0.5,
          reclaim: 'VACUUM',
          note: 'file size',
        },
      },
      '',
      true,
    )
    expect(record.figures).toEqual({ writesBlockedMs: 7 })
    expect(record.foreground?.map((f) => [f.name, f.p99Ms])).toEqual([
      ['read', 30],
      ['write', 50],
    ])
    expect(record.foreground?.[0]).not.toHaveProperty('elapsedMs')
    expect(record.databaseCost?.tableBytesAfterReclaim).toBe(60)
  })
})
