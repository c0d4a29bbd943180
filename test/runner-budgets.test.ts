import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readValidResults } from './support/results.js'
import { runCli } from './support/run-cli.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { ownDatabases, tempFolder, testDbValue } from './support/test-server.js'

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'delbench.js')

/** Processes holding a file under `folder` open (Linux /proc): a killed run must leave none. */
function processesUsing(folder: string): number[] {
  const pids: number[] = []
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(folder)) pids.push(Number(pid))
      }
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return [...new Set(pids)]
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`budgets on ${db.dialect}`, () => {
    it('a run that reaches --timeout is stopped with a projection, and the next run is unaffected', async () => {
      const value = testDbValue(db)
      const before = await ownDatabases(value, 'delbench_run_error_log')
      const out = tempFolder('out')
      const result = await runCli(
        [
          'run',
          '--db',
          value,
          '--scenario',
          'error-log',
          '--scale',
          '0.01',
          '--strategy',
          'per-row,naive-bulk',
          // per-row needs tens of seconds for 27,000 rows here; naive-bulk well under a second, even
          // with the traffic and a loaded test machine.
          '--timeout',
          '5',
          '--iterations',
          '1',
          '--out',
          out,
        ],
        {},
        60_000,
      )
      expect(result.code).toBe(0)
      const [perRow, naiveBulk] = readValidResults(path.join(out, 'results.json')).runs
      expect(perRow?.status).toBe('timeout')
      expect(perRow?.projection?.rowsExpected).toBe(27_000)
      expect(perRow?.projection?.rowsDeleted).toBeGreaterThan(0)
      expect(perRow?.projection?.rowsDeleted).toBeLessThan(27_000)
      expect(perRow?.projection?.projectedMs).toBeGreaterThan(5000)
      expect(result.stdout).toMatch(
        /per-row .*timeout \(\d+ rows in [\d.]+ s, \d+ rows\/s, projected [\d.]+ s\)/,
      )
      expect(naiveBulk?.status).toBe('ok')
      expect(naiveBulk?.rowsDeleted).toEqual({ error_occurrences: 27_000 })
      expect(await ownDatabases(value, 'delbench_run_error_log')).toEqual(before)
    })
  })
}

describe('interrupting a run', () => {
  it('SIGINT stops the current run, keeps the finished ones in a valid results file, and leaves nothing running', async () => {
    const folder = tempFolder('sigint')
    const out = tempFolder('out')
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--db',
        `sqlite:${folder}`,
        '--scenario',
        'error-log',
        '--scale',
        '0.01',
        '--strategy',
        'naive-bulk,per-row',
        '--iterations',
        '1',
        '--timeout',
        '120',
        '--out',
        out,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    // The first run (naive-bulk) is checkpointed to results.json; per-row then runs for many seconds.
    const resultsFile = path.join(out, 'results.json')
    for (let i = 0; i < 600 && !fs.existsSync(resultsFile); i++) await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 1000))
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr).toMatch(/interrupted; the runs that finished are in the results file/)
    const document = readValidResults(resultsFile)
    expect(document.environment.interrupted).toBe(true)
    expect(document.runs.map((r) => `${r.strategy} ${r.status}`)).toEqual(['naive-bulk ok'])
    expect(fs.readdirSync(folder).filter((f) => !f.startsWith('delbench_seed_'))).toEqual([])
    expect(processesUsing(folder)).toEqual([])
  })
})
