import { describe, expect, it } from 'vitest'
import { redact, registerEnvironmentSecrets, registerSecret } from '../core/redact.js'

describe('redaction of secrets', () => {
  it('hides the password of any URL in a text', () => {
    expect(redact('failed: mysql://root:topsecret@db:3306/x and postgres://u:p@h/d')).toBe(
      'failed: mysql://root:***@db:3306/x and postgres://u:***@h/d',
    )
    expect(redact('postgres://user@host/db')).toBe('postgres://user@host/db')
  })

  it('hides every registered secret wherever it appears, also URL-encoded', () => {
    registerSecret('s3cr/t pw')
    expect(redact('password "s3cr/t pw" rejected; url form s3cr%2Ft%20pw')).toBe(
      'password "***" rejected; url form ***',
    )
  })

  it('hides passwords taken from the environment', () => {
    registerEnvironmentSecrets({ PGPASSWORD: 'env-secret-1', MYSQL_PWD: 'env-secret-2' })
    expect(redact('env-secret-1 / env-secret-2')).toBe('*** / ***')
  })
})
