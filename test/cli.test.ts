import { describe, expect, it } from 'vitest'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/test-server.js'

describe('the delbench command', () => {
  it('prints help for the program and for each command', async () => {
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: delbench/)
    expect(help.stdout).toMatch(/list/)
    expect(help.stdout).toMatch(/probe/)
    const probeHelp = await runCli(['probe', '--help'])
    expect(probeHelp.code).toBe(0)
    expect(probeHelp.stdout).toMatch(/--db <target>/)
    expect(probeHelp.stdout).toMatch(/--sqlite-journal/)
  })

  it('lists the database kinds, as text and as JSON', async () => {
    const text = await runCli(['list'])
    expect(text.code).toBe(0)
    for (const form of ['sqlite', 'sqlite:PATH', 'postgres://', 'mysql://', 'mariadb://'])
      expect(text.stdout).toContain(form)
    const json = await runCli(['list', '--json'])
    const doc = JSON.parse(json.stdout) as { databases: { form: string }[] }
    expect(doc.databases.map((d) => d.form)).toContain('sqlite')
  })

  it('probes the embedded default and reports its durability settings', async () => {
    const folder = tempFolder('cli-probe')
    const result = await runCli(['probe', '--db', `sqlite:${folder}`, '--json'])
    expect(result.code).toBe(0)
    const [report] = JSON.parse(result.stdout) as {
      server: { product: string; settings: Record<string, string> }
    }[]
    expect(report?.server.product).toBe('SQLite')
    expect(report?.server.settings.journal_mode).toBe('delete')
    const wal = await runCli(['probe', '--db', `sqlite:${folder}`, '--sqlite-journal', 'wal'])
    expect(wal.code).toBe(0)
    expect(wal.stdout).toMatch(/journal_mode\s+wal/)
  })

  it.each([
    [['probe', '--db', 'oracle://scott@db/orcl'], 2, /^delbench: --db: unknown database kind 'oracle'/],
    [['probe', '--db', 'postgres://u@:5432/x'], 2, /^delbench: --db .* is not a valid URL/],
    [
      ['probe', '--db', 'postgres://u@127.0.0.1:1/x'],
      1,
      /^delbench: cannot reach PostgreSQL at 127\.0\.0\.1:1: connection refused/,
    ],
    [
      ['probe', '--db', 'mysql://u@127.0.0.1:1/'],
      1,
      /^delbench: cannot reach MySQL\/MariaDB at 127\.0\.0\.1:1: connection refused/,
    ],
    [
      ['probe', '--sqlite-journal', 'sideways'],
      2,
      /^delbench: option '--sqlite-journal <mode>' argument 'sideways' is invalid/,
    ],
    [['probe', '--bogus'], 2, /^delbench: unknown option '--bogus'/],
    [['frobnicate'], 2, /^delbench: unknown command 'frobnicate'/],
  ])('%j fails with exit %i and one clear line', async (args, code, message) => {
    const result = await runCli(args)
    expect(result.code).toBe(code)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('never shows a password from a URL or the environment, even in errors', async () => {
    const fromUrl = await runCli([
      'probe',
      '--db',
      'postgres://admin:Hunter2-secret@127.0.0.1:1/x',
      '--log-sql',
      '--verbose',
    ])
    expect(fromUrl.code).toBe(1)
    expect(fromUrl.stdout + fromUrl.stderr).not.toContain('Hunter2-secret')
    const fromEnv = await runCli(['probe', '--db', 'mysql://admin@127.0.0.1:1/'], {
      MYSQL_PWD: 'env-pass-123',
    })
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain('env-pass-123')
    const broken = await runCli(['probe', '--db', 'postgres://admin:Hunter2-secret@:99/x'])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain('postgres://admin:***@')
    expect(broken.stderr).not.toContain('Hunter2-secret')
  })
})

describe('the delbench command in a pipe', () => {
  it('stops quietly when the reader closes the pipe early (delbench list | head -1)', async () => {
    const { spawn } = await import('node:child_process')
    const path = await import('node:path')
    const bin = path.resolve(import.meta.dirname, '..', 'bin', 'delbench.js')
    const child = spawn(process.execPath, [bin, 'list'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(stderr).not.toMatch(/EPIPE|Error/)
    expect(code).toBe(0)
  })
})
