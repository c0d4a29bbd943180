import { describe, expect, it } from 'vitest'
import { lines, runCli } from './support/run-cli.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { testDbValue } from './support/test-server.js'

const SECRET = 'Very-Secret-Pw-9'

/** The test server's URL with a password put in (on these servers it is either ignored or wrong). */
function withPassword(url: string): string {
  const u = new URL(url)
  u.password = SECRET
  return u.href
}

for (const db of TEST_DATABASES) {
  describe.skipIf(skipped(db))(`secrets on ${db.dialect}`, () => {
    it('no password reaches stdout or stderr, whether the connection works or is refused', async () => {
      const value = db.dialect === 'sqlite' ? testDbValue(db) : withPassword(testDbValue(db))
      const env = { PGPASSWORD: SECRET, MYSQL_PWD: SECRET }
      for (const extra of [['--log-sql'], ['--json', '--verbose']]) {
        const result = await runCli(['probe', '--db', value, ...extra], env)
        const all = result.stdout + result.stderr
        expect(all).not.toContain(SECRET)
        expect(all).not.toContain(encodeURIComponent(SECRET))
        if (result.code === 0) {
          expect(result.stdout).toMatch(/SQLite|PostgreSQL|MariaDB|MySQL/)
        } else {
          // Refused credentials: one line naming the user, without the password.
          expect(result.code).toBe(2)
          expect(result.stderr).toMatch(/rejected the credentials of user/)
          if (!extra.includes('--verbose')) expect(lines(result.stderr)).toHaveLength(1)
        }
      }
    })
  })
}
