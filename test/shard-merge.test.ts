import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runIdentity } from '../reports/report-model.js'
import { readValidResults } from './support/results.js'
import { runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

describe('sharding a matrix over machines, and merging the shards', () => {
  it('two shards run disjoint halves that merge into exactly the unsharded matrix', async () => {
    const db = `sqlite:${tempFolder('shard-db')}`
    const matrix = [
      'run',
      '--db',
      db,
      '--scenario',
      'bookstore,library',
      '--scale',
      '0.004',
      '--strategy',
      'batched,naive-bulk,collector-subquery',
      '--batch-size',
      '100,1000',
      '--iterations',
      '1',
      '--no-traffic',
    ]
    const outs = { full: tempFolder('full'), one: tempFolder('shard1'), two: tempFolder('shard2') }
    for (const [out, shard] of [
      [outs.full, []],
      [outs.one, ['--shard', '1/2']],
      [outs.two, ['--shard', '2/2']],
    ] as const) {
      const result = await runCli([...matrix, ...shard, '--out', out])
      expect(result.code, result.stderr).toBe(0)
    }
    const ids = (dir: string) => readValidResults(path.join(dir, 'results.json')).runs.map(runIdentity)
    const [full, one, two] = [ids(outs.full), ids(outs.one), ids(outs.two)]
    // batched twice (two batch sizes), the others once, on two scenarios.
    expect(full).toHaveLength(8)
    expect(one).toHaveLength(4)
    expect(two).toHaveLength(4)
    expect(one.filter((id) => two.includes(id))).toEqual([])

    const mergedFile = path.join(tempFolder('merged'), 'results.json')
    const merged = await runCli([
      'merge',
      path.join(outs.one, 'results.json'),
      path.join(outs.two, 'results.json'),
      '--out',
      mergedFile,
    ])
    expect(merged.code, merged.stderr).toBe(0)
    expect(merged.stdout).toContain('merged 8 runs from 2 files')
    const document = readValidResults(mergedFile)
    expect(document.runs.map(runIdentity).sort()).toEqual([...full].sort())
    const statements = (runs: typeof document.runs) =>
      Object.fromEntries(runs.map((r) => [runIdentity(r), r.statements]))
    expect(statements(document.runs)).toEqual(
      statements(readValidResults(path.join(outs.full, 'results.json')).runs),
    )
    for (const run of document.runs) expect(run.machine?.commandLine).toMatch(/--shard [12]\/2/)

    const twice = await runCli([
      'merge',
      path.join(outs.one, 'results.json'),
      path.join(outs.one, 'results.json'),
      '--out',
      path.join(tempFolder('merged'), 'x.json'),
    ])
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/^delbench: run '.*' is in both .* and .*: shards do not overlap\n$/)
  })

  it.each(['3/2', '0/2', 'half'])('refuses --shard %s in one line', async (shard) => {
    const result = await runCli(['run', '--shard', shard, '--dry-run'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(
      `delbench: --shard takes K/N with 1 ≤ K ≤ N (the K-th of N slices), not '${shard}'`,
    )
  })
})
