import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** delbench's own version, from the package.json above this file (in source and in dist/ alike). */
export const DELBENCH_VERSION: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'delbench' && pkg.version) return pkg.version
    }
    const parent = path.dirname(dir)
    if (parent === dir) return 'unknown'
    dir = parent
  }
})()
