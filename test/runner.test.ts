import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resultsJsonSchema } from '../core/results-schema.js'
import { SCHEMA_FILE } from '../reports/write-schema.js'
import { readValidResults } from './support/results.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

const sqlite = () => `sqlite:${tempFolder('runner')}`

/** Own databases left in a SQLite folder: only seeds may remain after a run. */
const leftovers = (db: string) =>
  fs
    .readdirSync(db.slice('sqlite:'.length))
    .filter((f) => f.endsWith('.sqlite') && !f.startsWith('delbench_seed_'))

describe('the runner', () => {
  it('publishes a JSON Schema that matches the results model', () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(resultsJsonSchema())
  })

  it('writes a valid results file; statement counts are identical across iterations and across runs', async () => {
    const db = sqlite()
    const args = [
      'run',
      '--db',
      db,
      '--scenario',
      'bookstore,library',
      '--scale',
      '0.004',
      '--strategy',
      'batched,collector,per-row',
      '--iterations',
      '2',
    ]
    const documents = []
    for (const out of [tempFolder('out'), tempFolder('out')]) {
      const result = await runCli([...args, '--out', out])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toMatch(
        /strategy\s+median\s+ratio\s+statements\s+rows deleted\s+peak RSS\s+traffic p99\/max\s+outcome/,
      )
      documents.push(readValidResults(path.join(out, 'results.json')))
    }
    const [first, second] = documents
    expect(first?.runs).toHaveLength(6)
    for (const run of first?.runs ?? []) {
      if (run.status === 'ok') {
        expect(run.iterations).toBe(2)
        expect(run.timing?.samples).toHaveLength(2)
        expect(run.statementsStable).toBe(true)
      }
    }
    expect(first?.runs.map((r) => [r.scenario, r.strategy, r.status, r.statements])).toEqual(
      second?.runs.map((r) => [r.scenario, r.strategy, r.status, r.statements]),
    )
    expect(first?.environment.databases[0]?.settings).toMatchObject({
      journal_mode: 'delete',
      synchronous: 'full',
    })
    expect(first?.environment.commandLine).toContain('delbench run --db sqlite:')
    expect(leftovers(db)).toEqual([])
  })

  it('sweeps only what a strategy reads, and the schema knobs', async () => {
    const out = tempFolder('out')
    const result = await runCli([
      'run',
      '--db',
      sqlite(),
      '--scenario',
      'library',
      '--scale',
      '0.003',
      '--strategy',
      'batched,naive-bulk',
      '--batch-size',
      '1,1000',
      '--fk-action',
      'cascade,restrict',
      '--iterations',
      '1',
      '--out',
      out,
    ])
    expect(result.code).toBe(0)
    const runs = readValidResults(path.join(out, 'results.json')).runs.map(
      (r) => `${r.strategy} ${r.options.fkAction} ${r.options.batchSize} ${r.status}`,
    )
    expect(runs).toEqual([
      'batched cascade 1 ok',
      'batched cascade 1000 ok',
      // naive-bulk reads no batch size: one run per FK action, and none recorded.
      'naive-bulk cascade undefined wrong-result',
      'batched restrict 1 ok',
      'batched restrict 1000 ok',
      'naive-bulk restrict undefined failed',
    ])
  })

  it('collector memory grows with the rows it loads; collector-subquery stays flat', async () => {
    const peaks: Record<string, number[]> = { collector: [], 'collector-subquery': [] }
    for (const scale of ['0.004', '0.04']) {
      const out = tempFolder('out')
      const result = await runCli([
        'run',
        '--db',
        sqlite(),
        '--scenario',
        'error-log',
        '--scale',
        scale,
        '--strategy',
        'collector,collector-subquery',
        '--iterations',
        '1',
        '--out',
        out,
      ])
      expect(result.code).toBe(0)
      for (const run of readValidResults(path.join(out, 'results.json')).runs)
        peaks[run.strategy]?.push(run.memory?.peakHeapBytes ?? 0)
    }
    const growth = (name: string) => (peaks[name]?.[1] ?? 0) / (peaks[name]?.[0] ?? 1)
    // 10,800 vs 108,000 loaded rows of six columns.
    expect(growth('collector')).toBeGreaterThan(1.5)
    expect(growth('collector-subquery')).toBeLessThan(1.25)
  })
})
