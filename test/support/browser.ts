import fs from 'node:fs'
import { IN_CI } from './servers.js'

/** The Chromium the report test drives: DELBENCH_CHROMIUM, or Debian's package. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.DELBENCH_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  return candidates.find((p): p is string => p !== undefined && p !== '' && fs.existsSync(p))
}

/** Outside CI a machine without Chromium skips the browser test (announced); under CI=true it fails. */
export const browserSkipped = (): boolean => chromiumPath() === undefined && !IN_CI

export const BROWSER_HINT = 'install Debian’s chromium (apt-get install chromium) or set DELBENCH_CHROMIUM'
