import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The folder of delbench's package.json, found from this file (in source and in dist/ alike). */
export const PACKAGE_ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = path.join(dir, 'package.json')
    if (
      fs.existsSync(file) &&
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'delbench'
    )
      return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('delbench cannot find its own package.json')
    dir = parent
  }
})()

/** delbench's own version. */
export const DELBENCH_VERSION: string =
  (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string })
    .version ?? 'unknown'
