import { describe, expect, it } from 'vitest'
import { cellEncoders, encodeTsv } from '../core/tsv.js'

describe('TSV for COPY and LOAD DATA', () => {
  it('writes NULL as \\N and escapes backslash, tab, newline and carriage return in text', () => {
    const rows = [
      [1, 'plain', null, '2026-01-01 00:00:00'],
      [2, 'tab\there\nnew\rline \\ slash', 'x', '2026-01-02 00:00:00'],
    ]
    const expected =
      '1\tplain\t\\N\t2026-01-01 00:00:00\n2\ttab\\there\\nnew\\rline \\\\ slash\tx\t2026-01-02 00:00:00\n'
    expect(encodeTsv(rows)).toBe(expected)
    expect(encodeTsv(rows, cellEncoders(['integer', 'text', 'varchar', 'timestamp']))).toBe(expected)
  })
})
