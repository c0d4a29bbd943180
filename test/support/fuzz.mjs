// `npm run fuzz -- --runs N [--seed S] [--path P]`: the property tests (and the readers' fuzz tests) for
// N cases each on every database, or one failing case replayed from the seed and path a failure printed.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { parseArgs } from 'node:util'

let values
try {
  ;({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      seed: { type: 'string' },
      path: { type: 'string' },
      property: { type: 'string' },
    },
  }))
} catch (error) {
  console.error(
    `fuzz: ${error.message.split('\n')[0]} (usage: npm run fuzz -- --runs N [--seed S] [--path P --property NAME])`,
  )
  process.exit(2)
}
const whole = (v) => /^-?\d+$/.test(v ?? '')
if (!whole(values.runs) || Number(values.runs) < 1 || (values.seed !== undefined && !whole(values.seed))) {
  console.error('fuzz: --runs must be a whole number of at least 1 and --seed a whole number')
  process.exit(2)
}
const PROPERTIES = ['validation', 'sqlite', 'servers']
if (values.property !== undefined && !PROPERTIES.includes(values.property)) {
  console.error(
    `fuzz: --property must be one of ${PROPERTIES.join(', ')}, the name a failure's replay line gives`,
  )
  process.exit(2)
}
const env = {
  ...process.env,
  DELBENCH_FUZZ_RUNS: values.runs,
  ...(values.seed !== undefined ? { DELBENCH_FUZZ_SEED: values.seed } : {}),
  ...(values.path !== undefined ? { DELBENCH_FUZZ_PATH: values.path } : {}),
  ...(values.property !== undefined ? { DELBENCH_FUZZ_PROPERTY: values.property } : {}),
}
const root = path.resolve(import.meta.dirname, '../..')
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs')
const child = spawn(
  process.execPath,
  // A replay of one property's case runs that property alone.
  [
    vitest,
    'run',
    'test/properties.test.ts',
    ...(values.property ? [] : ['test/reader-fuzz.test.ts']),
    '--maxWorkers',
    '1',
  ],
  { cwd: root, env, stdio: 'inherit' },
)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
