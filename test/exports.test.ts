import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import type { ResultsDocument } from '../core/results-schema.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/results-sqlite.json')

/** Bencher Metric Format as its reference page defines it (draft-07 JSON Schema). */
const BMF_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema',
  type: 'object',
  patternProperties: {
    '.+': {
      type: 'object',
      patternProperties: {
        '.+': {
          type: 'object',
          properties: {
            value: { type: 'number' },
            lower_value: { type: 'number' },
            upper_value: { type: 'number' },
          },
          required: ['value'],
        },
      },
    },
  },
}

/** github-action-benchmark's `customSmallerIsBetter` input: name, unit and value, optional range and extra. */
const GAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      unit: { type: 'string', minLength: 1 },
      value: { type: 'number' },
      range: { type: 'string' },
      extra: { type: 'string' },
    },
    required: ['name', 'unit', 'value'],
    additionalProperties: false,
  },
}

describe('exports for dashboards', () => {
  it('writes Bencher and github-action-benchmark files that match their formats, correct runs only', async () => {
    const out = tempFolder('export')
    const result = await runCli([
      'report',
      FIXTURE,
      '--out',
      out,
      '--export',
      'bencher,github-action-benchmark',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const document = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ResultsDocument
    const correct = document.runs.filter((r) => r.status === 'ok')

    const ajv = new Ajv({ strict: false })
    const bencher = JSON.parse(fs.readFileSync(path.join(out, 'bencher.json'), 'utf8')) as Record<
      string,
      Record<string, { value: number; lower_value?: number; upper_value?: number }>
    >
    expect(ajv.validate(BMF_SCHEMA, bencher), ajv.errorsText()).toBe(true)
    expect(Object.keys(bencher)).toHaveLength(correct.length)
    const run = correct.find((r) => r.scenario === 'bookstore' && r.strategy === 'naive-bulk')
    const name = 'sqlite/bookstore/x0.02/naive-bulk'
    expect(bencher[name]?.latency).toEqual({
      value: Math.round((run?.timing?.median ?? 0) * 1e6),
      lower_value: Math.round((run?.timing?.min ?? 0) * 1e6),
      upper_value: Math.round((run?.timing?.max ?? 0) * 1e6),
    })
    expect(bencher[name]?.statements).toEqual({ value: 1 })

    const gab = JSON.parse(fs.readFileSync(path.join(out, 'github-action-benchmark.json'), 'utf8')) as {
      name: string
      unit: string
      value: number
    }[]
    expect(ajv.validate(GAB_SCHEMA, gab), ajv.errorsText()).toBe(true)
    expect(gab).toHaveLength(correct.length * 3)
    expect(gab.find((e) => e.name === `${name} time`)).toMatchObject({
      unit: 'ms',
      value: run?.timing?.median,
    })
    // Names are unique: a dashboard keys its series by them.
    expect(new Set(gab.map((e) => e.name)).size).toBe(gab.length)
  })

  it('gives a time range only where there is a margin of error: none for a single sample', async () => {
    const document = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ResultsDocument
    const folder = tempFolder('export')
    const single = document.runs.findIndex((r) => r.scenario === 'bookstore' && r.strategy === 'naive-bulk')
    const run = document.runs[single]
    if (!run?.timing) throw new Error('the fixture has no timed bookstore naive-bulk run')
    const sample = run.timing.median
    const runs = document.runs.map((r, i) =>
      i === single && r.timing
        ? { ...r, timing: { ...r.timing, samples: [sample], mean: sample, min: sample, max: sample, rme: 0 } }
        : r,
    )
    const input = path.join(folder, 'results.json')
    fs.writeFileSync(input, JSON.stringify({ ...document, runs }))
    const result = await runCli(['report', input, '--out', folder, '--export', 'github-action-benchmark'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const gab = JSON.parse(fs.readFileSync(path.join(folder, 'github-action-benchmark.json'), 'utf8')) as {
      name: string
      range?: string
    }[]
    const times = gab.filter((e) => e.name.endsWith(' time'))
    expect(times.find((e) => e.name === 'sqlite/bookstore/x0.02/naive-bulk time')?.range).toBeUndefined()
    expect(times.filter((e) => e.range === undefined)).toHaveLength(1)
  })

  it('refuses an unknown format in one line', async () => {
    const result = await runCli(['report', FIXTURE, '--out', tempFolder('export'), '--export', 'grafana'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(
      "delbench: --export takes github-action-benchmark or bencher (comma list for both), not 'grafana'",
    )
  })
})
