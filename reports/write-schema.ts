import fs from 'node:fs'
import path from 'node:path'
import { PACKAGE_ROOT } from '../core/delbench-version.js'
import { resultsJsonSchema } from '../core/results-schema.js'

/** Writes `reports/results.schema.json` from the zod definition (`npm run schema`). */
export const SCHEMA_FILE = path.join(PACKAGE_ROOT, 'reports', 'results.schema.json')

export function schemaText(): string {
  return JSON.stringify(resultsJsonSchema(), null, 2) + '\n'
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('reports', 'write-schema.js'))) {
  fs.writeFileSync(SCHEMA_FILE, schemaText())
}
