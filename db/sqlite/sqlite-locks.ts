/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the write lock. */
export function isSqliteRetryable(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? '')
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}
