import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { bookstore } from '../scenarios/builtins/bookstore.js'
import { generatedChecksums } from '../seeds/generated-checksums.js'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

describe('delbench seed', () => {
  it('seeds, reports counts and checksums as JSON, reuses the seed, and clean drops it', async () => {
    const db = `sqlite:${tempFolder('seed-cli')}`
    const args = ['seed', '--db', db, '--scenario', 'bookstore', '--scale', '0.01', '--seed', '5']
    const first = await runCli([...args, '--json'])
    expect(first.code).toBe(0)
    const [report] = JSON.parse(first.stdout) as {
      reused: boolean
      seededDatabase: string
      tables: unknown
      rowsPerSecond: number
    }[]
    expect(report?.reused).toBe(false)
    expect(report?.rowsPerSecond).toBeGreaterThan(0)
    expect(report?.tables).toEqual(await generatedChecksums({ scenario: bookstore, scale: 0.01, seed: 5 }))

    const second = await runCli(args)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/bookstore on sqlite:.*: 3,000 rows already seeded \(reused\)/)

    const clean = await runCli(['clean', '--db', db])
    expect(clean.stdout).toContain(`dropped ${report?.seededDatabase}`)
    expect(fs.readdirSync(db.slice('sqlite:'.length))).toEqual([])
  })

  it('prints plain progress lines, not a bar, when stderr is not a terminal', async () => {
    // Lines come every 2 s: 600,000 rows take longer than that.
    const db = `sqlite:${tempFolder('seed-cli')}`
    const result = await runCli(['seed', '--db', db, '--scenario', 'error-log', '--scale', '0.2'], {}, 60_000)
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(
      /seeding error-log on sqlite:.*: \d+\/600000 rows \(\d+%\), \d+ rows\/s, ETA \d+ s — error_occurrences/,
    )
    expect(result.stderr).not.toContain('\u001b[')
  })

  it.each([
    [['--scale', '-1'], /--scale must be a positive number, not '-1'/],
    [['--scale', 'lots'], /--scale must be a positive number, not 'lots'/],
    [['--scale', '5000'], /--scale 5000 is above 1000/],
    [['--seed', '1.5'], /--seed must be an integer, not '1.5'/],
    [['--scenario', 'nope'], /unknown scenario 'nope'/],
    [
      ['--fk-action', 'sideways'],
      /--fk-action takes cascade or restrict \(or a comma list to sweep\), not 'sideways'/,
    ],
  ])('%j fails with one line and exit 2', async (extra, message) => {
    const result = await runCli(['seed', '--db', `sqlite:${tempFolder('seed-cli')}`, ...extra])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  })

  it('names the bad field of an invalid scenario file', async () => {
    const file = path.join(tempFolder('seed-cli'), 'bad.json')
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'bad',
        description: 'x',
        referenceTime: '2026-01-01T00:00:00Z',
        tables: [],
        target: {},
      }),
    )
    const result = await runCli(['seed', '--db', `sqlite:${tempFolder('seed-cli')}`, '--scenario', file])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(/scenario file .*bad\.json: tables: /)
  })
})
