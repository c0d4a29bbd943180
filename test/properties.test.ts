/**
 * Property-based tests on scenarios nobody wrote by hand (fast-check): random FK graphs are validated,
 * seeded and deleted from by every built-in strategy and by deliberately wrong ones, and what must
 * always hold is checked. A failure is shrunk and reported with the command that replays it.
 * `npm run fuzz -- --runs N --seed S` runs the same properties for longer.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseServer } from '../db/database-server.js'
import type { Capabilities, DialectName } from '../db/dialect.js'
import { randomScenario, type Shape } from './support/random-scenarios.js'
import {
  checkCase,
  DATABASE_REFUSAL,
  onlyCallbacksSkipped,
  validate,
  type CaseFindings,
} from './support/property-case.js'
import { mutatedDocument } from './support/mutations.js'
import { requireUrl, skipped, TEST_DATABASES, type TestDatabase } from './support/servers.js'
import { openTestServer } from './support/test-server.js'

const FUZZ = process.env.DELBENCH_FUZZ_RUNS
/** Cases per property: bounded in `npm test`; `npm run fuzz` sets them. */
// In `npm test` the bounds are what this loaded machine (2 cores, load 10-15) runs in about a minute: a
// case is seeded and deleted from by 16 strategies, ~2.5 s on SQLite and ~50 s on all three databases.
/** A replay (`npm run fuzz -- … --property NAME`) runs only the property whose failure it replays. */
type PropertyName = 'validation' | 'sqlite' | 'servers'
const ONLY = process.env.DELBENCH_FUZZ_PROPERTY as PropertyName | undefined
/** Whether this run replays another property's case (its path would not replay here). */
const replaysOther = (name: PropertyName): boolean => ONLY !== undefined && ONLY !== name
const RUNS: Record<PropertyName, number> = {
  validation: FUZZ ? Number(FUZZ) * 10 : 300,
  sqlite: FUZZ ? (ONLY === 'sqlite' ? Number(FUZZ) : 0) : 30,
  servers: FUZZ ? Number(FUZZ) : 3,
}
/** The seed of the cases `npm test` runs. */
const NPM_TEST_SEED = 20
const TIMEOUT_MS = FUZZ ? 24 * 3600_000 : 110_000

/** fast-check's parameters, replaying one case when the fuzz command was given its seed and path. */
function parameters(numRuns: number): fc.Parameters<unknown> {
  // `npm test` checks the same cases every time (a CI run must not turn red on a case no one has
  // seen yet); `npm run fuzz` draws new ones unless given a seed.
  const seed = process.env.DELBENCH_FUZZ_SEED ?? (FUZZ ? undefined : String(NPM_TEST_SEED))
  const path = process.env.DELBENCH_FUZZ_PATH
  return {
    numRuns,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
    // A replay stops at the case it was given: it was shrunk already.
    endOnFailure: path !== undefined,
  }
}

/** Runs a property; a failure says what the shrunk case was and how to replay it, in one message. */
async function holds<T>(name: PropertyName, property: fc.IAsyncProperty<T> | fc.IProperty<T>): Promise<void> {
  if (replaysOther(name)) return
  const details = await fc.check(property, parameters(RUNS[name]) as fc.Parameters<T>)
  if (!details.failed) return
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  throw new Error(
    [
      `property failed after ${details.numRuns} cases (shrunk ${details.numShrinks} times): ${error}`,
      `counterexample: ${fc.stringify(details.counterexample)}`,
      `replay: npm run fuzz -- --runs 1 --seed ${details.seed} --path ${details.counterexamplePath ?? ''} --property ${name}`,
    ].join('\n'),
  )
}

/** What the cases covered, printed by `npm run fuzz`. */
const covered: Shape[] = []
afterAll(() => {
  if (FUZZ && covered.length > 0) console.log(coverageTable(covered))
})

describe('property 1: validation accepts a scenario or refuses it in one line', () => {
  it('on generated scenarios and on mutated ones (wrong types, huge numbers, deep nesting, fields gone)', async () => {
    let refused = 0
    await holds(
      'validation',
      fc.property(
        fc.oneof(
          randomScenario.map((s) => s.doc),
          mutatedDocument(randomScenario.map((s) => s.doc)),
        ),
        (doc) => {
          if ('refusal' in validate(doc)) refused++
        },
      ),
    )
    if (replaysOther('validation')) return
    // Mutations are refused far more often than not: the property saw both outcomes.
    expect(refused).toBeGreaterThan(0)
  })
})

/** The properties of one database's findings on one case. */
function expectSound(findings: CaseFindings, where: string): void {
  // 2: seeding is deterministic: what was loaded is what the generator says.
  expect(findings.seeded, `${where}: seeded checksums`).toEqual(findings.generated)
  // 3: no built-in strategy is wrong (but one that skips callbacks by design, where there are some); a
  // failure is the database's own refusal.
  for (const [name, v] of Object.entries(findings.verdicts)) {
    if (!onlyCallbacksSkipped(name, v.problems))
      expect(v.status, `${where}: ${name}: ${v.problems.join('; ')} ${v.error ?? ''}`).not.toBe(
        'wrong-result',
      )
    if (v.status === 'failed') expect(v.error, `${where}: ${name} failed`).toMatch(DATABASE_REFUSAL)
  }
  // 4: every deliberately wrong strategy is caught.
  for (const [name, status] of Object.entries(findings.wrong))
    expect(status, `${where}: the wrong strategy '${name}'`).toBe('wrong-result')
  // 5: dry runs and failed strategies left the seeded data as it was.
  expect(findings.after, `${where}: the seeded data after the runs`).toEqual(findings.seeded)
}

interface OpenDatabase {
  readonly db: TestDatabase
  server?: DatabaseServer
  capabilities?: Capabilities
}

function useDatabases(dbs: readonly TestDatabase[]): OpenDatabase[] {
  const open: OpenDatabase[] = dbs.map((db) => ({ db }))
  beforeAll(async () => {
    for (const o of open) {
      if (o.db.dialect !== 'sqlite') requireUrl(o.db)
      o.server = await openTestServer(o.db)
      o.capabilities = (await o.server.describe()).capabilities
    }
  })
  afterAll(async () => {
    for (const o of open) await o.server?.close()
  })
  return open
}

/** Checks one case on each database: each sound, and all agreeing on checksums and verdicts. */
async function checkOn(
  open: readonly OpenDatabase[],
  doc: Record<string, unknown>,
  shape: Shape,
  seed: number,
) {
  const validated = validate(doc)
  if (!('scenario' in validated)) return
  covered.push(shape)
  const found = new Map<DialectName, CaseFindings>()
  for (const o of open) {
    const findings = await checkCase(
      o.server as DatabaseServer,
      o.capabilities as Capabilities,
      validated.scenario,
      seed,
    )
    expectSound(findings, o.db.dialect)
    found.set(o.db.dialect, findings)
  }
  const [first, ...rest] = [...found]
  if (!first) return
  // A long fuzz run says how far it got, one line a case.
  if (FUZZ)
    process.stderr.write(
      `case ${covered.length}: ${JSON.stringify(shape)}; ${Object.entries(first[1].verdicts)
        .map(([name, v]) => `${name} ${v.status}`)
        .join(', ')}\n`,
    )
  for (const [dialect, findings] of rest) {
    expect(findings.seeded, `checksums on ${dialect} and ${first[0]}`).toEqual(first[1].seeded)
    for (const [name, v] of Object.entries(findings.verdicts)) {
      const theirs = first[1].verdicts[name]
      const other = theirs?.status
      if (v.status === 'unsupported' || other === 'unsupported') continue
      // Where InnoDB refused row by row, the others' verdict is what a statement-end check gives: `ok`,
      // or the skipped callbacks of a strategy that skips them by design (found by npm run fuzz, seed
      // 20261201: naive-bulk refused on MariaDB, its callbacks missed on SQLite and PostgreSQL).
      const allowed =
        other === 'ok' || (other === 'wrong-result' && onlyCallbacksSkipped(name, theirs?.problems ?? []))
      if (dialect === 'mysql' && v.status === 'failed' && allowed && rowByRowRefusal(v.error)) continue
      expect(v.status, `${name} on ${dialect} (${v.error ?? ''}) and on ${first[0]}`).toBe(other)
    }
  }
}

/**
 * MySQL/MariaDB's one known, documented departure: InnoDB checks a foreign key row by row, not at the
 * statement's end as the standard (PostgreSQL, SQLite) does, so one DELETE of a parent and its child in
 * the same table can be refused there alone, depending on the order it meets them. Only a refusal by a
 * self-referencing foreign key is that.
 */
function rowByRowRefusal(error: string | undefined): boolean {
  const found =
    /a foreign key constraint fails \(`[^`]+`\.`([^`]+)`, CONSTRAINT `[^`]+` FOREIGN KEY \([^)]*\) REFERENCES `([^`]+)`/.exec(
      error ?? '',
    )
  return found !== null && found[1] === found[2]
}

/** Properties 2–5 on a random scenario and seed, checked on each of `open`. */
const caseProperty = (open: readonly OpenDatabase[]) =>
  fc.asyncProperty(randomScenario, fc.integer({ min: 1, max: 1_000_000 }), ({ doc, shape }, seed) =>
    checkOn(open, doc, shape, seed),
  )

const sqlite = TEST_DATABASES.filter((d) => d.dialect === 'sqlite')
describe.skipIf(RUNS.sqlite === 0)('properties 2–5 on SQLite', () => {
  const open = useDatabases(sqlite)
  it(
    `seeding, every strategy, the wrong strategies and dry runs on ${RUNS.sqlite} random scenarios`,
    async () => {
      await holds('sqlite', caseProperty(open))
    },
    TIMEOUT_MS,
  )
})

describe.skipIf(TEST_DATABASES.some(skipped))(
  'properties 2–5 on SQLite, PostgreSQL and MariaDB alike',
  () => {
    const open = useDatabases(TEST_DATABASES)
    it(
      `the same checksums and verdicts on every database, on ${RUNS.servers} random scenarios`,
      async () => {
        await holds('servers', caseProperty(open))
      },
      TIMEOUT_MS,
    )
  },
)

/** The cases run, by FK shape, action and column type. */
function coverageTable(shapes: readonly Shape[]): string {
  const count = (f: (s: Shape) => boolean) => shapes.filter(f).length
  const rows: [string, number][] = [
    ['cases run (valid scenarios)', shapes.length],
    ['1 table', count((s) => s.tables === 1)],
    ['2–4 tables', count((s) => s.tables >= 2 && s.tables <= 4)],
    ['5–7 tables', count((s) => s.tables >= 5)],
    ['a table with several parents (diamonds)', count((s) => s.multiParent > 0)],
    ['a composite key (and composite FK)', count((s) => s.composite > 0)],
    ['a self-reference', count((s) => s.selfReferences > 0)],
    ['a nullable cycle', count((s) => s.cycles > 0)],
    ['an unindexed FK', count((s) => s.unindexed > 0)],
    ['a touch callback', count((s) => s.callback)],
    ...['cascade', 'restrict', 'no action', 'set null'].map(
      (a) => [`ON DELETE ${a}`, count((s) => s.actions.includes(a as never))] as [string, number],
    ),
    ...[...new Set(shapes.flatMap((s) => s.types))]
      .sort()
      .map((t) => [`a ${t} column`, count((s) => s.types.includes(t))] as [string, number]),
  ]
  return ['| covered | cases |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
}
