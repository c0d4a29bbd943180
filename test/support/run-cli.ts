import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/delbench.js')

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** Runs the built `delbench` command (npm test builds it first) as a user would. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 90_000,
): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const ms = performance.now() - started
        // A timed-out command had its pipes closed and may still exit 0 (delbench ends quietly on
        // EPIPE): say so, rather than let a test puzzle over empty output.
        if (child.killed)
          resolve({ code: -1, stdout, stderr: `${stderr}[runCli] killed after ${timeoutMs} ms\n`, ms })
        else
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
            stdout,
            stderr,
            ms,
          })
      },
    )
  })
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '')
}
