import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')

/** The boundary errors ESLint reports for `code` as if it were the file `file` of the project. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT })
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message)
}

describe('the pipeline order is a lint rule', () => {
  it('refuses a stage importing a later one', async () => {
    const errors = await boundaryErrors(
      'db/backwards.ts',
      "import { standardDeviation } from '../runner/statistics.js'\nexport const m = standardDeviation\n",
    )
    expect(errors).toEqual([expect.stringMatching(/from elements of type "db" to elements of type "runner"/)])
  })

  it('refuses reports reading anything but the results model', async () => {
    const errors = await boundaryErrors(
      'reports/backwards.ts',
      "import { resolveScenario } from '../scenarios/registry.js'\nexport const r = resolveScenario\n",
    )
    expect(errors).toHaveLength(1)
  })

  it('lets a stage import the stages below it', async () => {
    const errors = await boundaryErrors(
      'strategies/forwards.ts',
      "import { chunked } from '../core/sql-lists.js'\nimport { scalar } from '../db/scalar.js'\nexport const x = [chunked, scalar]\n",
    )
    expect(errors).toEqual([])
  })

  it('refuses the shared kernel importing any stage', async () => {
    const errors = await boundaryErrors(
      'core/backwards.ts',
      "import { scalar } from '../db/scalar.js'\nexport const s = scalar\n",
    )
    expect(errors).toHaveLength(1)
  })
})
