/**
 * Runs an external program for a strategy that drives a client of its own: its output read line by line
 * as it comes (progress), stopped when the run's budget is spent, its failure one redacted line.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { redact } from '../core/redact.js'

/**
 * Whether `program` is installed here: an executable file of that name on the PATH (or at that path).
 * Looked up, not run: `delbench list` asks for every scenario and database, and starting Perl to print
 * pt-archiver's version took 125 ms of list's 204. A program that is found but broken fails its run in
 * one line (see runProgram).
 */
export function installed(program: string): boolean {
  const candidates = program.includes(path.sep)
    ? [program]
    : (process.env['PATH'] ?? '')
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, program))
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return fs.statSync(file).isFile()
    } catch {
      return false
    }
  })
}

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
