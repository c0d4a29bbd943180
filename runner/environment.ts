import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { DELBENCH_VERSION, PACKAGE_ROOT } from '../core/delbench-version.js'
import { redact } from '../core/redact.js'
import type { ResultsDocument } from '../core/results-schema.js'

type Environment = ResultsDocument['environment']

/** The git commit of the delbench checkout, if it is one. */
function gitCommit(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() || null
    )
  } catch {
    return null
  }
}

/** The environment block of a results file; databases are added as they are probed. */
export function describeEnvironment(
  argv: readonly string[],
  startedAt: Date,
): Omit<Environment, 'finishedAt' | 'databases' | 'interrupted'> {
  const cpus = os.cpus()
  return {
    delbenchVersion: DELBENCH_VERSION,
    nodeVersion: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: { model: cpus[0]?.model ?? 'unknown', count: cpus.length },
    memoryBytes: os.totalmem(),
    gitCommit: gitCommit(),
    // Quoted where needed so it can be pasted back; passwords removed.
    commandLine: redact(
      ['delbench', ...argv]
        .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))
        .join(' '),
    ),
    startedAt: startedAt.toISOString(),
  }
}
