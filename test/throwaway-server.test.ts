import { getContainerRuntimeClient } from 'testcontainers'
import { describe, expect, it } from 'vitest'
import { lines, runCli } from './support/run-cli.js'

const engine = await getContainerRuntimeClient().then(
  () => true,
  () => false,
)

// Where a Docker engine answers, `--db postgres` would start a real container: that path is for a
// machine with one; this test covers the refusal every engine-less machine (CI here included) gives.
describe.skipIf(engine)('throw-away servers without a container engine', () => {
  it.each(['postgres', 'mysql', 'mariadb'])(
    '--db %s fails with one line naming the URL form',
    async (kind) => {
      const result = await runCli(['probe', '--db', kind])
      expect(result.code).toBe(2)
      expect(lines(result.stderr)).toHaveLength(1)
      expect(result.stderr).toMatch(new RegExp(`needs a Docker engine .* --db ${kind}://USER@HOST:\\d+/`))
    },
  )
})
