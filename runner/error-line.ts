import { redact } from '../core/redact.js'

/** An error's message as a result holds it: its first line, secrets redacted. */
export function errorLine(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}
