import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { daysFrom, formatTimestamp } from '../scenarios/timestamps.js'

describe('timestamp text', () => {
  it('formats UTC instants to the second, like toISOString', () => {
    for (const iso of [
      '2026-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
      '2024-02-29T12:34:56Z',
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
    ]) {
      expect(formatTimestamp(Date.parse(iso))).toBe(iso.slice(0, 19).replace('T', ' '))
    }
    expect(formatTimestamp(Date.parse('2026-01-01T10:00:00.999Z'))).toBe('2026-01-01 10:00:00')
  })
  it('counts days from a reference', () => {
    expect(daysFrom(Date.parse('2026-01-01T00:00:00Z'), -30)).toBe('2025-12-02 00:00:00')
    expect(daysFrom(Date.parse('2026-01-01T00:00:00Z'), 0.5)).toBe('2026-01-01 12:00:00')
  })
})

describe('timestamp text at any instant', () => {
  it('matches toISOString to the second across ten thousand years', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59Z') }),
        (ms) => {
          expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString().slice(0, 19).replace('T', ' '))
        },
      ),
      { numRuns: 20_000 },
    )
  })
})
