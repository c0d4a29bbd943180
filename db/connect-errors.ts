import { ConnectionError, DelbenchError } from '../core/errors.js'
import { redact } from '../core/redact.js'

/** Seconds a connection attempt may take before delbench gives up with a clear message. */
export const CONNECT_TIMEOUT_MS = 5000

interface DriverError {
  readonly code?: string | number
  readonly errno?: number
  readonly message?: string
}

/**
 * Turns a driver's connection failure into one line a user can act on. `where` names the server
 * (product, host and port, never a password), `user` and `database` what was asked of it.
 */
export function connectFailure(
  error: unknown,
  where: string,
  user: string,
  database: string | undefined,
): DelbenchError {
  const e = (error ?? {}) as DriverError
  const code = String(e.code ?? '')
  const message = redact(e.message ?? String(error))
  const cause = { cause: error }
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(
        `cannot reach ${where}: connection refused (is the server running and listening there?)`,
        cause,
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`cannot reach ${where}: the host name does not resolve`, cause)
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`cannot reach ${where}: no answer (${code}); check the host and port`, cause)
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new DelbenchError(
        `${where} rejected the credentials of user '${user}': check the user and password in --db`,
        2,
        cause,
      )
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return new DelbenchError(
        `${where} has no database '${database ?? ''}': name an existing one in the --db URL (it is used only to create delbench's own)`,
        2,
        cause,
      )
    case '42501':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new DelbenchError(
        `user '${user}' may not use database '${database ?? ''}' on ${where}: ${message}`,
        2,
        cause,
      )
  }
  if (/timeout/i.test(message)) {
    return new ConnectionError(
      `cannot reach ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s; check the host and port`,
      cause,
    )
  }
  return new ConnectionError(`cannot connect to ${where}: ${message.split('\n')[0]}`, cause)
}
