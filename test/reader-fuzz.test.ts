/**
 * The readers of what users hand delbench (scenario files, strategy modules, results files), given
 * random and mutated input: truncated, wrong types, huge numbers, deep nesting. Each accepts the input
 * or refuses it with delbench's own one-line error; from the command line: one line, a non-zero exit,
 * nothing written, no stack trace.
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DelbenchError } from '../core/errors.js'
import { readResults } from '../reports/read-results.js'
import { loadScenarioFile } from '../scenarios/scenario-file.js'
import { StrategyRegistry } from '../strategies/registry.js'
import { damagedText, deepNestingText, mutatedDocument } from './support/mutations.js'
import { randomScenario } from './support/random-scenarios.js'
import { lines, runCli } from './support/run-cli.js'
import { tempFolder } from './support/temp-folders.js'

const FUZZ = process.env.DELBENCH_FUZZ_RUNS
const RUNS = FUZZ ? Number(FUZZ) * 5 : 60
const SEED = process.env.DELBENCH_FUZZ_SEED

const parameters = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(SEED ? { seed: Number(SEED) } : {}),
})

/** A reader's outcome: accepted, or delbench's refusal in one line; anything else fails the property. */
async function acceptsOrRefuses(read: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await read()
  } catch (error) {
    if (!(error instanceof DelbenchError)) throw error
    expect(error.message).not.toContain('\n')
  }
}

/**
 * Writes each generated text to a file of its own (a module is imported once per path) named like
 * `name`, and reads it: accepted, or refused in one line.
 */
async function readsEach(
  name: string,
  texts: fc.Arbitrary<string>,
  read: (file: string) => Promise<unknown> | unknown,
): Promise<void> {
  const folder = tempFolder('fuzz-readers')
  let n = 0
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      const file = path.join(folder, `${n++}-${name}`)
      fs.writeFileSync(file, text)
      await acceptsOrRefuses(() => read(file))
    }),
    parameters(RUNS),
  )
}

/** A generator nested past what a recursive reader's stack holds (JSON text: too deep to stringify). */
function deepGeneratorText(depth: number): string {
  return `${'{"kind":"json","fields":{"a":'.repeat(depth)}{"kind":"int","min":0,"max":1}${'}}'.repeat(depth)}`
}

const validDoc = randomScenario.map((s) => s.doc)
const scenarioText = fc.oneof(
  mutatedDocument(validDoc).map((d) => JSON.stringify(d) ?? 'null'),
  damagedText(validDoc.map((d) => JSON.stringify(d))),
  fc.constantFrom(
    '',
    '[]',
    '1e400',
    '['.repeat(100_000),
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    deepNestingText(20_000),
  ),
  validDoc.map((d) =>
    // A json column whose generator nests 20,000 deep, in the first table.
    JSON.stringify(d).replace(
      '"columns":[',
      `"columns":[{"name":"deep","type":"json","generate":${deepGeneratorText(20_000)}},`,
    ),
  ),
)

describe('scenario files', () => {
  it('random and mutated files are accepted or refused in one line', () =>
    readsEach('s.json', scenarioText, (file) => loadScenarioFile(file)))
})

/** A valid strategy module's text, and hostile default exports. */
const VALID_MODULE = `export default {
  name: 'fuzzed',
  description: 'a strategy module',
  reads: ['batchSize'],
  async run(ctx) { await ctx.run({ sql: 'SELECT 1', params: [] }) },
}
`
const HOSTILE_EXPORTS = [
  '42',
  'null',
  'undefined',
  '"a string"',
  '[]',
  "{ name: 'x' }",
  "{ name: 'Not A Name', description: 'd', run() {} }",
  "{ name: 'x', description: 'd', run: 5 }",
  "{ name: 'x', description: 'd', run() {}, reads: 'batchSize' }",
  "{ name: 'x', description: 'd', run() {}, unsupported: true }",
  `{ name: '${'x'.repeat(100_000)}', description: 'd', run() {} }`,
  "{ name: 'x', description: '', run() {} }",
  "{ get name() { throw new Error('a getter that throws') }, description: 'd', run() {} }",
  "new Proxy({}, { get() { throw new Error('a proxy that throws') } })",
  'Object.create(null)',
  '{ then() {} }',
  'Promise.resolve(1)',
  "(() => { throw new Error('thrown while loading\\n    at somewhere') })()",
]
const moduleText = fc.oneof(
  damagedText(fc.constant(VALID_MODULE)),
  fc.constantFrom(...HOSTILE_EXPORTS).map((e) => `export default ${e}\n`),
  fc.constantFrom('', 'export const x = 1', 'throw 42', 'import "./nowhere.mjs"', `${'('.repeat(50_000)}`),
)

describe('strategy modules', () => {
  it('random and mutated modules are accepted or refused in one line', () =>
    readsEach('m.mjs', moduleText, (file) => new StrategyRegistry().resolve(file)))
})

const RESULTS = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'results-sqlite.json'), 'utf8')
const resultsText = fc.oneof(
  mutatedDocument(fc.constant(JSON.parse(RESULTS) as unknown)).map((d) => JSON.stringify(d) ?? 'null'),
  damagedText(fc.constant(RESULTS)),
  fc.constantFrom('', 'null', '{}', '1e400', deepNestingText(20_000)),
)

describe('results files', () => {
  it('random and mutated results files are accepted or refused in one line', () =>
    readsEach('r.json', resultsText, (file) => readResults(file)))
})

describe('from the command line', () => {
  /** One bad input to each reader: exit non-zero, one line on stderr, no stack, nothing written. */
  it.each([
    ['a truncated scenario file', 'scenario.json', RESULTS.slice(0, 10), 'scenario'],
    ['a scenario nested 20,000 deep', 'scenario.json', deepNestingText(20_000), 'scenario'],
    ['a strategy whose export throws', 'strategy.mjs', `export default ${HOSTILE_EXPORTS[13]}`, 'strategy'],
    ['a truncated strategy', 'strategy.mjs', VALID_MODULE.slice(0, 40), 'strategy'],
    [
      'a results file with a huge number',
      'results.json',
      RESULTS.replace('"schemaVersion": 1', '"schemaVersion": 1e400'),
      'results',
    ],
    ['a truncated results file', 'results.json', RESULTS.slice(0, RESULTS.length / 2), 'results'],
  ])('%s', async (_what, name, text, reader) => {
    const folder = tempFolder('fuzz-cli')
    const file = path.join(folder, name)
    fs.writeFileSync(file, text)
    const db = path.join(folder, 'db')
    const out = path.join(folder, 'out')
    const args =
      reader === 'results'
        ? ['report', file, '--out', out]
        : [
            'run',
            '--db',
            `sqlite:${db}`,
            '--out',
            out,
            reader === 'scenario' ? '--scenario' : '--strategy',
            file,
          ]
    const result = await runCli(args)
    expect(result.code).not.toBe(0)
    expect(lines(result.stderr), result.stderr).toHaveLength(1)
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(fs.existsSync(out)).toBe(false)
    expect(fs.existsSync(db) ? fs.readdirSync(db) : []).toEqual([])
  })
})
