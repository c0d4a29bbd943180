import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { hopeless, projectIteration } from '../runner/early-stop.js'
import { nextIteration, relativeMarginOfError, type IterationPolicy } from '../runner/iteration-policy.js'
import { timingOfSamples } from '../runner/run-record.js'
import { setAsideUpperOutliers } from '../runner/statistics.js'
import { readValidResults } from './support/results.js'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const TARGET: IterationPolicy = { kind: 'target', targetRme: 5, min: 5, max: 10 }
const roomy = { elapsedMs: 0, budgetMs: 60_000, nextIterationMs: 100 }

describe('relative margin of error', () => {
  it('is the t interval half-width over the mean, in percent', () => {
    // mean 100, sd √(200/3) = 8.165, n 4: t(0.975, 3) = 3.182446, half-width 3.182446 × 8.165 / 2 = 12.99
    expect(relativeMarginOfError([90, 100, 100, 110].map((v) => v))).toBeCloseTo(
      (3.182446 * (Math.sqrt(200 / 3) / 2)) / 1,
      3,
    )
    expect(relativeMarginOfError([100, 100, 100])).toBe(0)
    expect(relativeMarginOfError([100])).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('upper outliers', () => {
  it("are the samples above Tukey's upper fence, left out of the margin of error", () => {
    // The default run's job-history collector: nine iterations near 96 ms and one at 274 ms.
    const samples = [93, 94, 95, 96, 96, 97, 98, 99, 107, 274]
    // Q1 95.25, Q3 98.75 (type 7), IQR 3.5: the fence is 104, so 107 is set aside too.
    expect(setAsideUpperOutliers(samples)).toEqual({
      kept: [93, 94, 95, 96, 96, 97, 98, 99],
      outliers: [107, 274],
    })
    expect(relativeMarginOfError(samples)).toBeCloseTo(
      relativeMarginOfError([93, 94, 95, 96, 96, 97, 98, 99]),
      9,
    )
    expect(relativeMarginOfError(samples)).toBeLessThan(5)
    const timing = timingOfSamples(samples)
    expect(timing.outliers).toBe(2)
    expect(timing.median).toBe(96.5)
    expect(timing.max).toBe(274)
    expect(timing.samples).toEqual(samples)
  })

  it('are never the lower side, and none is set aside from fewer than five samples', () => {
    expect(setAsideUpperOutliers([10, 100, 100, 101, 102, 103]).outliers).toEqual([])
    expect(setAsideUpperOutliers([10, 10, 10, 500]).outliers).toEqual([])
  })

  it('keep the samples in run order', () => {
    expect(timingOfSamples([30, 10, 20]).samples).toEqual([30, 10, 20])
  })
})

describe('the iteration policy', () => {
  it('runs exactly N with --iterations N', () => {
    const exact: IterationPolicy = { kind: 'exact', iterations: 3 }
    expect(nextIteration(exact, { ...roomy, samples: [10, 10] })).toBe('continue')
    expect(nextIteration(exact, { ...roomy, samples: [10, 50, 90] })).toBe('iterations')
  })

  it('goes on until the margin reaches its target, never below the minimum', () => {
    expect(nextIteration(TARGET, { ...roomy, samples: [100, 100, 100, 100] })).toBe('continue')
    expect(nextIteration(TARGET, { ...roomy, samples: [100, 100, 100, 100, 100] })).toBe('target-rme')
    expect(nextIteration(TARGET, { ...roomy, samples: [50, 150, 100, 70, 130] })).toBe('continue')
    expect(nextIteration(TARGET, { ...roomy, samples: [50, 150, 100, 70, 130, 50, 150, 100, 70, 130] })).toBe(
      'max-iterations',
    )
  })

  it('starts no iteration the budget cannot hold, keeping the finished ones', () => {
    expect(
      nextIteration(TARGET, {
        samples: [9000, 9100],
        elapsedMs: 21_000,
        budgetMs: 30_000,
        nextIterationMs: 9500,
      }),
    ).toBe('budget')
    expect(
      nextIteration(TARGET, { samples: [9000], elapsedMs: 10_000, budgetMs: 30_000, nextIterationMs: 9500 }),
    ).toBe('continue')
  })
})

describe('projections and early stops', () => {
  it('projects one iteration from its own time and rows', () => {
    // 28,944 rows in the iteration's own 9.7 s... of 29,000 expected: about 9.72 s, not the budget's 30 s.
    const p = projectIteration(14_472, 4_850, 29_000)
    expect(p?.projectedMs).toBeCloseTo(9_718.6, 0)
    expect(p?.rowsPerSecond).toBeCloseTo(2_983.9, 0)
    expect(projectIteration(0, 1000, 10)).toBeUndefined()
  })

  const steady = (rate: number, untilMs: number): [number, number][] =>
    Array.from({ length: untilMs / 200 + 1 }, (_, i) => [i * 200, Math.round((i * 200 * rate) / 1000)])

  it('stops a run whose steady rate projects several budgets', () => {
    // 400 rows/s for 54,000 rows: 135 s against a 30 s budget, known after 3 s.
    const verdict = hopeless(steady(400, 3000), 54_000, 30_000)
    expect(verdict?.projectedMs).toBeCloseTo(135_000, -2)
  })

  it('waits for a tenth of the budget and a settled rate', () => {
    expect(hopeless(steady(400, 2800), 54_000, 30_000)).toBeUndefined()
    // The rate doubled in the second half: not settled yet.
    const speeding: [number, number][] = [
      ...steady(200, 1600),
      ...steady(800, 1600)
        .slice(1)
        .map(([t, r]): [number, number] => [t + 1600, r + 320]),
    ]
    expect(hopeless(speeding, 54_000, 30_000)).toBeUndefined()
  })

  it('lets a run that may finish within a few budgets go on', () => {
    // 10 s for the iteration against a 30 s budget: slow, not hopeless.
    expect(hopeless(steady(2900, 5000), 29_000, 30_000)).toBeUndefined()
  })
})

describe('delbench run iterates to a margin of error', () => {
  /** A default `delbench run` of batched on a small bookstore: its results file. */
  async function defaultRun(db: string): Promise<string> {
    const out = tempFolder('out')
    const args = ['run', '--db', db, '--scenario', 'bookstore', '--scale', '0.004', '--strategy', 'batched']
    const result = await runCli([...args, '--no-traffic', '--out', out])
    expect(result.code, result.stderr).toBe(0)
    return path.join(out, 'results.json')
  }

  it('takes 5 to 10 iterations by default, says why it stopped, and two such runs can be compared on time', async () => {
    const db = `sqlite:${tempFolder('db')}`
    const files = [await defaultRun(db), await defaultRun(db)]
    for (const file of files) {
      const [run] = readValidResults(file).runs
      expect(run?.iterations).toBeGreaterThanOrEqual(5)
      expect(run?.iterations).toBeLessThanOrEqual(10)
      expect(run?.timing?.samples).toHaveLength(run?.iterations ?? -1)
      expect(['target-rme', 'max-iterations']).toContain(run?.iterationStop?.reason)
    }
    // Five samples a side can reach p < 0.05: the time test is applied, not waved through. (Whether it
    // then finds a change is the machine's noise, not asserted here.)
    const compared = await runCli(['compare', ...files])
    expect([0, 1]).toContain(compared.code)
    expect(compared.stdout).toMatch(/\| \d[\d.e-]* \| 5 → 5 \|/)
    expect(compared.stdout).not.toMatch(/too few samples|time not tested/)
  })

  it('runs exactly N with --iterations N, and refuses N with a margin target', async () => {
    const out = tempFolder('out')
    const db = `sqlite:${tempFolder('db')}`
    const args = [
      'run',
      '--db',
      db,
      '--scenario',
      'bookstore',
      '--scale',
      '0.004',
      '--strategy',
      'naive-bulk',
    ]
    const exact = await runCli([...args, '--no-traffic', '--iterations', '3', '--out', out])
    expect(exact.code, exact.stderr).toBe(0)
    const [run] = readValidResults(path.join(out, 'results.json')).runs
    expect(run?.iterations).toBe(3)
    expect(run?.iterationStop?.reason).toBe('iterations')
    const mixed = await runCli([...args, '--iterations', '3', '--target-rme', '5'])
    expect(mixed.code).toBe(2)
    expect(lines(mixed.stderr)).toEqual([
      'delbench: --iterations N runs exactly N: it does not go with --target-rme, --min-iterations or --max-iterations',
    ])
  })
})
