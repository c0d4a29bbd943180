/**
 * Runs an external program for a strategy that drives a client of its own: its output read line by line
 * as it comes (progress), stopped when the run's budget is spent, its failure one redacted line.
 */
import { spawn, spawnSync } from 'node:child_process'
import { redact } from '../core/redact.js'

/** Whether `program` runs here (`program --version` exits 0); asked once per program and process. */
export function installed(program: string): boolean {
  let found = seen.get(program)
  if (found === undefined) {
    const probe = spawnSync(program, ['--version'], { stdio: 'ignore', timeout: 10_000 })
    found = probe.error === undefined && probe.status === 0
    seen.set(program, found)
  }
  return found
}
const seen = new Map<string, boolean>()

/**
 * Runs `program` with `args` (never a password among them: a command line is visible to every user of
 * the machine), calling `onLine` with each line of its standard output; resolves to that output whole.
 * Rejects with the program's last error line when it exits non-zero, and kills it when `abort` fires.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  options: {
    readonly env?: NodeJS.ProcessEnv
    readonly abort: AbortSignal
    readonly onLine?: (line: string) => void
  },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.abort,
    })
    let stdout = ''
    let stderr = ''
    let partial = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) options.onLine?.(line)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // The tail is enough to say why it failed; a chatty program must not fill memory.
      stderr = (stderr + chunk).slice(-8192)
    })
    child.on('error', (error) => {
      reject(options.abort.aborted && options.abort.reason instanceof Error ? options.abort.reason : error)
    })
    child.on('close', (code, signal) => {
      if (partial !== '') options.onLine?.(partial)
      if (code === 0) return resolve(stdout)
      if (options.abort.aborted) return // 'error' rejected already
      const last = stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${code ?? signal ?? '?'}`
      reject(new Error(`${program} failed: ${redact(last)}`))
    })
  })
}
