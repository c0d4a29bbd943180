import { describe, expect, it } from 'vitest'
import { meanInterval, median, pairedRatio, studentQuantile } from '../runner/statistics.js'

describe('benchmark statistics', () => {
  it("gives Student's t intervals, not normal ones, for small samples", () => {
    // Mean 3, sd √2.5, t(0.975, 4) = 2.7764: half-width 2.7764 · √2.5 / √5 = 1.9632.
    const { mean, low, high } = meanInterval([1, 2, 3, 4, 5])
    expect(mean).toBe(3)
    expect(high - mean).toBeCloseTo(1.9632, 4)
    expect(mean - low).toBeCloseTo(1.9632, 4)
    expect(meanInterval([7]).high).toBe(Number.POSITIVE_INFINITY)
  })

  it("gives Student's t quantiles for odd and even degrees of freedom, near the normal's for many", () => {
    // Two-sided 95% and 99% quantiles as printed in t tables.
    expect(studentQuantile(0.95, 1)).toBeCloseTo(12.7062, 3)
    expect(studentQuantile(0.95, 2)).toBeCloseTo(4.3027, 4)
    expect(studentQuantile(0.95, 4)).toBeCloseTo(2.7764, 4)
    expect(studentQuantile(0.95, 9)).toBeCloseTo(2.2622, 4)
    expect(studentQuantile(0.99, 5)).toBeCloseTo(4.0321, 4)
    expect(studentQuantile(0.95, 30)).toBeCloseTo(2.0423, 4)
    expect(studentQuantile(0.95, 1000)).toBeCloseTo(1.9623, 3)
  })

  it('takes paired ratios on the log scale, so 2× slower and 2× faster cancel', () => {
    expect(pairedRatio([2, 50], [1, 100]).ratio).toBeCloseTo(1, 10)
    const r = pairedRatio([101, 103, 102, 104], [100, 100, 100, 100])
    expect(r.ratio).toBeGreaterThan(1.01)
    expect(r.low).toBeLessThan(r.ratio)
    expect(r.high).toBeGreaterThan(r.ratio)
    expect(median([3, 1, 2, 10])).toBe(2.5)
  })
})
