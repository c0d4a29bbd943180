/**
 * Regressions the readers' fuzz tests found: each input used to escape as a bare error (a stack trace),
 * a hang or a refusal of several lines; each is now refused in one line.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DelbenchError } from '../core/errors.js'
import { readResults } from '../reports/read-results.js'
import { loadScenarioFile } from '../scenarios/scenario-file.js'
import { StrategyRegistry } from '../strategies/registry.js'
import { tempFolder } from './support/temp-folders.js'

const SCENARIO = path.join(import.meta.dirname, 'fixtures', 'shop.json')
const RESULTS = path.join(import.meta.dirname, 'fixtures', 'results-sqlite.json')

/** The refusal `read` ends with: delbench's own error, its message on one line. */
async function refusal(read: () => Promise<unknown> | unknown): Promise<string> {
  const error = await (async () => read())().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DelbenchError)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return message
}

function write(name: string, text: string): string {
  const file = path.join(tempFolder('reader-refusals'), name)
  fs.writeFileSync(file, text)
  return file
}

describe('readers refuse in one line what once escaped them', () => {
  it('a scenario whose json generator nests 20,000 deep (was: RangeError, maximum call stack size exceeded)', async () => {
    const deep = `${'{"kind":"json","fields":{"a":'.repeat(20_000)}{"kind":"int","min":0,"max":1}${'}}'.repeat(20_000)}`
    const text = fs
      .readFileSync(SCENARIO, 'utf8')
      .replace('"columns": [', `"columns": [{"name":"deep","type":"json","generate":${deep}},`)
    expect(await refusal(() => loadScenarioFile(write('deep.json', text)))).toMatch(
      /tables\[0\]\.columns\[0\]\.generate\.fields…: nested more than 64 levels deep$/,
    )
  })

  it('a scenario module whose export refers to itself', async () => {
    const file = write('cyclic.mjs', `const s = { name: 'x' }; s.tables = [s]; export default s\n`)
    expect(await refusal(() => loadScenarioFile(file))).toMatch(/nested more than 64 levels deep$/)
  })

  it('a strategy module whose export throws when read (was: the bare error), or is a thenable (was: a hang)', async () => {
    const proxy = write(
      'proxy.mjs',
      "export default new Proxy({}, { get() { throw new Error('no\\nway') } })\n",
    )
    expect(await refusal(() => new StrategyRegistry().resolve(proxy))).toMatch(
      /proxy\.mjs: reading its default export failed: no$/,
    )
    const getter = write('getter.mjs', "export default { get name() { throw new Error('boom') } }\n")
    expect(await refusal(() => new StrategyRegistry().resolve(getter))).toMatch(
      /reading its default export failed: boom$/,
    )
    const thenable = write('thenable.mjs', 'export default { then() {} }\n')
    expect(await refusal(() => new StrategyRegistry().resolve(thenable))).toMatch(
      /the default export has a 'then'/,
    )
  })

  it('a damaged JSON file: the parser quotes its start, line breaks and all (was: a refusal of several lines)', async () => {
    const damaged = (file: string) => write(path.basename(file), `#${fs.readFileSync(file, 'utf8').slice(1)}`)
    expect(await refusal(() => readResults(damaged(RESULTS)))).toMatch(/is not JSON: Unexpected token/)
    expect(await refusal(() => loadScenarioFile(damaged(SCENARIO)))).toMatch(
      /is not valid JSON: Unexpected token/,
    )
  })
})
