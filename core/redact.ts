/**
 * Passwords must never reach output, logs, errors or results files. Every secret delbench learns (from a
 * URL or an environment variable) is registered here, and every text that leaves the process passes
 * through `redact`.
 */
const secrets = new Set<string>()

export const REDACTED = '***'

/** Remembers a secret so that `redact` hides it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  // Very short secrets would blank out ordinary words; they are still hidden inside URLs below.
  if (secret && secret.length >= 3) {
    secrets.add(secret)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) secrets.add(encoded)
  }
}

/** Environment variables the drivers read passwords from. */
export const PASSWORD_ENV_VARS = ['PGPASSWORD', 'MYSQL_PWD'] as const

export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of PASSWORD_ENV_VARS) registerSecret(env[name])
}

/** The text with every registered secret, and the password of any URL in it, replaced by `***`. */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, `$1${REDACTED}@`)
  // Longest first, so a secret containing another is hidden whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED)
  }
  return out
}
