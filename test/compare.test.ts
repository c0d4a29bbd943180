import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { mannWhitney } from '../reports/mann-whitney.js'
import { runIdentity } from '../reports/report-model.js'
import type { ResultsDocument, RunRecord } from '../core/results-schema.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/results-sqlite.json')
const fixture = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ResultsDocument

/** The fixture's correct `batched` run with batch size 1000 on bookstore. */
const batched = (doc: ResultsDocument): RunRecord =>
  doc.runs.find(
    (r) => r.scenario === 'bookstore' && r.strategy === 'batched' && r.options.batchSize === 1000,
  ) as RunRecord

function save(doc: ResultsDocument, name: string): string {
  const file = path.join(tempFolder('compare'), name)
  fs.writeFileSync(file, JSON.stringify(doc))
  return file
}

/** Gives a run these timing samples (median and mean recomputed), keeping it valid. */
type Timing = NonNullable<RunRecord['timing']>

function withSamples(run: RunRecord, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b)
  run.timing = {
    samples,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
    median: sorted[Math.floor(sorted.length / 2)] as number,
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    rme: 5,
  }
  run.iterations = samples.length
}

/**
 * Samples of n and m without ties whose U (pairs with x > y) is exactly u: y = 0, 1, …, m − 1 and
 * each x just above as many y's as it must beat.
 */
function samplesWithU(n: number, m: number, u: number): [number[], number[]] {
  const wins = Array.from({ length: n }, (_, i) => Math.floor(u / n) + (i < u % n ? 1 : 0))
  return [wins.map((w, i) => w - 0.5 + i / (10 * n)), Array.from({ length: m }, (_, j) => j)]
}

const compare = (base: string, head: string, ...flags: string[]) => runCli(['compare', base, head, ...flags])

describe('the Mann-Whitney U test', () => {
  it('matches the published critical values of U (two-sided, α = 0.05)', () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6])).toMatchObject({ u: 0, p: 0.1, method: 'exact' })
    expect(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).p).toBeCloseTo(2 / 70, 12)
    // n = m = 5: P(U ≤ 2) = 4/252 one-sided, P(U ≤ 3) = 7/252.
    expect(mannWhitney(...samplesWithU(5, 5, 2)).p).toBeCloseTo(8 / 252, 12)
    expect(mannWhitney(...samplesWithU(5, 5, 3)).p).toBeCloseTo(14 / 252, 12)
    // The tables' critical values: the largest U still significant at 0.05.
    for (const [n, critical] of [
      [5, 2],
      [8, 13],
      [10, 23],
      [20, 127],
    ] as const) {
      expect(mannWhitney(...samplesWithU(n, n, critical)).p, `n = ${n}`).toBeLessThanOrEqual(0.05)
      expect(mannWhitney(...samplesWithU(n, n, critical + 1)).p, `n = ${n}`).toBeGreaterThan(0.05)
    }
    // Either way round, U and U' add up to n·m.
    const [x, y] = samplesWithU(8, 8, 13)
    expect(mannWhitney(y, x).u).toBe(64 - 13)
  })

  it('uses the normal approximation with ties and for large samples, agreeing with the exact test', () => {
    expect(mannWhitney([1, 1, 2], [2, 3, 3]).method).toBe('normal approximation')
    // At the n = m = 20 table's edge the approximation (continuity-corrected) decides as the exact test.
    for (const u of [127, 128]) {
      const [x, y] = samplesWithU(20, 20, u)
      const approximate = mannWhitney(x, y, 'normal approximation')
      expect(approximate.method).toBe('normal approximation')
      expect(Math.abs(approximate.p - mannWhitney(x, y).p)).toBeLessThan(0.002)
      expect(approximate.p <= 0.05).toBe(u === 127)
    }
    const separated = mannWhitney(
      Array.from({ length: 60 }, (_, i) => i),
      Array.from({ length: 60 }, (_, i) => 100 + i),
    )
    expect(separated).toMatchObject({ u: 0, method: 'normal approximation' })
    expect(separated.p).toBeLessThan(1e-12)
  })

  it('treats ties by mid-ranks and is symmetric', () => {
    const a = mannWhitney([1, 2, 2, 3], [2, 3, 4, 5])
    const b = mannWhitney([2, 3, 4, 5], [1, 2, 2, 3])
    expect(a.u + b.u).toBe(16)
    expect(a.p).toBeCloseTo(b.p, 12)
    expect(mannWhitney([5, 5, 5], [5, 5, 5]).p).toBe(1)
  })
})

describe('delbench compare', () => {
  it('passes identical files, exit 0, with a Markdown delta table and the test named', async () => {
    const result = await compare(FIXTURE, FIXTURE)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('**0 regressions**')
    expect(result.stdout).toContain('Mann-Whitney U')
    expect(result.stdout).toMatch(/\| +\| sqlite bookstore ×0\.02 batched \(batchSize=1000 sleepMs=0\) \|/)
  })

  it('fails on one more DELETE statement, naming it', async () => {
    const head = fixture()
    const run = batched(head)
    if (run.statements) {
      run.statements.delete += 1
      run.statements.total += 1
    }
    const result = await compare(FIXTURE, save(head, 'head.json'))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /❌ \| sqlite bookstore ×0\.02 batched \(batchSize=1000 sleepMs=0\) \|.*regression: \+1 delete statement \(1 → 2\)/,
    )
  })

  it('fails on a 30% slower time with clearly separated samples', async () => {
    const base = fixture()
    const head = fixture()
    withSamples(batched(base), [100, 101, 102, 103, 104])
    withSamples(batched(head), [130, 131, 133, 134, 135])
    const result = await compare(save(base, 'base.json'), save(head, 'head.json'))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/regression: time \+30\.4% \(102 ms → 133 ms, p = 0\.0079[;)]/)
  })

  it("does not gate a significant change smaller than the two runs' margins of error combined", async () => {
    const base = fixture()
    const head = fixture()
    withSamples(batched(base), [100, 101, 102, 103, 104])
    withSamples(batched(head), [130, 131, 133, 134, 135])
    // Each run could pin its mean down to ±25% only: √(25² + 25²) ≈ 35% > the 30% change.
    for (const doc of [base, head]) batched(doc).timing = { ...(batched(doc).timing as Timing), rme: 25 }
    const result = await compare(save(base, 'base.json'), save(head, 'head.json'))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('+30.4%')
    expect(result.stdout).not.toMatch(/regression: time/)
  })

  it('does not gate a 30% slower median on 3 overlapping noisy samples, and warns', async () => {
    const base = fixture()
    const head = fixture()
    withSamples(batched(base), [80, 100, 140])
    withSamples(batched(head), [90, 130, 150])
    const result = await compare(save(base, 'base.json'), save(head, 'head.json'))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('+30.0%')
    expect(result.stdout).toMatch(/too few samples for the time test to reach α = 0\.05/)
    // The run itself says why its time was not tested.
    expect(result.stdout).toMatch(
      /time not tested: 3 against 3 samples cannot reach p < 0\.05 \(the smallest p possible is 0\.10; 4 a side can\)/,
    )
  })

  it('says on the run when its budget, not the settings, held it to too few samples, without the warning', async () => {
    const base = fixture()
    const head = fixture()
    withSamples(batched(base), [8000])
    withSamples(batched(head), [8100, 8050])
    for (const doc of [base, head]) {
      batched(doc).iterationStop = { reason: 'budget', detail: 'the 10 s budget held them' }
      doc.runs = [batched(doc)]
    }
    const result = await compare(save(base, 'base.json'), save(head, 'head.json'))
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /time not tested: 1 against 2 samples cannot reach p < 0\.05 .*: the budget held BASE to 1 and HEAD to 2 \(raise --timeout to test it\)/,
    )
    expect(result.stdout).not.toMatch(/too few samples for the time test/)
  })

  it('judges each run against the change all runs shared: drift between two runs is shown, one run slowed 2.5× gates', async () => {
    const base = fixture()
    const head = fixture()
    const ok = (doc: ResultsDocument) => doc.runs.filter((r) => r.status === 'ok')
    expect(ok(base).length).toBeGreaterThanOrEqual(5)
    const slowed = runIdentity(batched(base))
    ok(base).forEach((run, i) => {
      // Every run 20–30% slower in HEAD (the machine), tight samples a side; batched 2.5×.
      const samples = [100, 101, 102, 103, 104, 105].map((v) => v * (1 + i))
      const factor = runIdentity(run) === slowed ? 2.5 : 1.2 + (i % 5) * 0.025
      withSamples(run, samples)
      withSamples(
        ok(head).find((h) => runIdentity(h) === runIdentity(run)) as RunRecord,
        samples.map((v) => v * factor),
      )
    })
    const result = await compare(save(base, 'base.json'), save(head, 'head.json'), '--json')
    expect(result.code).toBe(1)
    const json = JSON.parse(result.stdout) as {
      drift: { shift: number; runs: number }
      runs: { key: string; time?: unknown; findings: { kind: string; text: string }[] }[]
    }
    expect(Math.exp(json.drift.shift)).toBeCloseTo(1.25, 1)
    const regressed = json.runs.filter((r) => r.findings.some((f) => f.kind === 'regression'))
    expect(regressed.map((r) => r.key)).toEqual([slowed])
    expect(regressed[0]?.findings[0]?.text).toMatch(/^time \+150\.0% .*\+100\.0% beside the other runs\)$/)
    const others = json.runs.filter((r) => r.key !== slowed && r.time)
    expect(others.length).toBeGreaterThan(0)
    for (const r of others) expect(r.findings.map((f) => f.text).join()).toMatch(/moved with the other runs/)
  })

  it('fails when HEAD deletes the wrong rows, or a run of BASE is missing', async () => {
    const head = fixture()
    const run = batched(head)
    run.status = 'wrong-result'
    run.error = 'deleted 1 row too many from books'
    run.verification = { ok: false, problems: ['deleted 1 row too many from books'] }
    delete run.timing
    const wrong = await compare(FIXTURE, save(head, 'wrong.json'))
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toMatch(
      /regression: verdict ok → wrong-result \(deleted 1 row too many from books\)/,
    )

    const fewer = fixture()
    fewer.runs = fewer.runs.filter((r) => r !== batched(fewer))
    const missing = await compare(FIXTURE, save(fewer, 'fewer.json'))
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain('missing in HEAD')
  })

  it.each([
    [
      'a missing file',
      () => path.join(tempFolder('compare'), 'nope.json'),
      /results file .*nope\.json does not exist/,
    ],
    [
      'a file that is not JSON',
      () => {
        const file = path.join(tempFolder('compare'), 'broken.json')
        fs.writeFileSync(file, '{"schemaVersion": 1, "runs": [')
        return file
      },
      /broken\.json is not JSON/,
    ],
    [
      'runs on another database',
      () => {
        const other = fixture()
        for (const run of other.runs) run.database = { kind: 'postgres', url: 'postgres://x@h/db' }
        return save(other, 'pg.json')
      },
      /cannot compare .*: no run of HEAD matches one of BASE: databases differ \(BASE: sqlite; HEAD: postgres\)/,
    ],
    [
      'a HEAD without runs',
      () => {
        const empty = fixture()
        empty.runs = []
        return save(empty, 'empty.json')
      },
      /HEAD has no runs/,
    ],
    [
      'another scale',
      () => {
        const other = fixture()
        for (const run of other.runs) run.scale = 0.04
        return save(other, 'scale.json')
      },
      /scales differ \(BASE: 0\.02; HEAD: 0\.04\)/,
    ],
  ])('refuses %s with exit 2 and one line', async (_what, make, message) => {
    const result = await compare(FIXTURE, make())
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stdout).toBe('')
  })

  it('prints the comparison as JSON for machines', async () => {
    const result = await compare(FIXTURE, FIXTURE, '--json', '--threshold', '5%')
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as { regressions: number; options: { threshold: number } }
    expect(parsed).toMatchObject({ regressions: 0, options: { threshold: 0.05, alpha: 0.05 } })
  })
})
