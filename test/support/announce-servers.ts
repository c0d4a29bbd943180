import type { TestProject } from 'vitest/node'
import { BROWSER_HINT, chromiumPath } from './browser.js'
import { IN_CI, REPLICATION_ENV, replicationPair, SERVER_ENV, serverUrl } from './servers.js'
import { provideTempRoot } from './temp-folders.js'
import { labelServerDatabases } from './server-leftovers.js'

/**
 * The tests' global setup: says, once per test run, which server and browser tests are skipped and
 * how to enable them, and makes the run's temp root; its teardown, returned, removes the root and
 * drops the databases the tests left on the servers.
 */
export default async function announceServers(project: TestProject): Promise<() => Promise<void>> {
  for (const dialect of ['postgres', 'mysql'] as const) {
    const env = SERVER_ENV[dialect]
    if (serverUrl(dialect) !== undefined) continue
    if (IN_CI) {
      console.log(
        `[delbench tests] ${env.variable} is not set and CI=true: every ${env.product} test will FAIL`,
      )
    } else {
      console.log(
        `[delbench tests] ${env.product} tests SKIPPED: set ${env.variable}=${env.example} to run them`,
      )
    }
  }
  for (const dialect of ['postgres', 'mysql'] as const) {
    if (replicationPair(dialect) !== undefined) continue
    const env = REPLICATION_ENV[dialect]
    console.log(
      IN_CI
        ? `[delbench tests] ${env.primary} / ${env.replica} are not set and CI=true: every ${env.product} replication test will FAIL`
        : `[delbench tests] ${env.product} replication tests SKIPPED: run eval "$(scripts/local-replication.sh start)" to set ${env.primary} and ${env.replica}`,
    )
  }
  if (chromiumPath() === undefined) {
    console.log(
      IN_CI
        ? `[delbench tests] no Chromium and CI=true: the report.html browser test will FAIL (${BROWSER_HINT})`
        : `[delbench tests] report.html browser test SKIPPED: ${BROWSER_HINT}`,
    )
  }
  const removeTempRoot = provideTempRoot(project)
  const dropLeftovers = labelServerDatabases()
  return async () => {
    await dropLeftovers()
    removeTempRoot()
  }
}
