import { BROWSER_HINT, chromiumPath } from './browser.js'
import { IN_CI, SERVER_ENV, serverUrl } from './servers.js'

/** Says, once per test run, which server and browser tests are skipped and how to enable them. */
export default function announceServers(): void {
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
  if (chromiumPath() === undefined) {
    console.log(
      IN_CI
        ? `[delbench tests] no Chromium and CI=true: the report.html browser test will FAIL (${BROWSER_HINT})`
        : `[delbench tests] report.html browser test SKIPPED: ${BROWSER_HINT}`,
    )
  }
}
