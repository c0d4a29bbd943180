import { IN_CI, SERVER_ENV, serverUrl } from './servers.js'

/** Says, once per test run, which server tests are skipped and how to enable them. */
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
}
