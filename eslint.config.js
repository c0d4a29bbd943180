import js from '@eslint/js'
import boundaries from 'eslint-plugin-boundaries'
import tseslint from 'typescript-eslint'

/**
 * The pipeline, lowest first: each stage may import the stages below it, never one above. `reports`
 * reads only the results model (in `core/`), so it may import nothing else of ours.
 */
const STAGES = ['core', 'db', 'scenarios', 'seeds', 'strategies', 'runner', 'reports', 'cli']
const MAY_IMPORT = Object.fromEntries(
  STAGES.map((stage, i) => [stage, stage === 'reports' ? ['core', 'reports'] : STAGES.slice(0, i + 1)]),
)

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'results/', '.delbench/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // `_name` marks a value left out on purpose (e.g. destructured away).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [...STAGES.map((stage) => `${stage}/**/*.ts`)],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true } },
      'boundaries/elements': STAGES.map((stage) => ({ type: stage, pattern: stage })),
    },
    rules: {
      // A function a newcomer can hold in mind; an exception says why in an eslint-disable comment.
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: STAGES.map((stage) => ({
            from: { element: { type: stage } },
            allow: { to: { element: { types: { anyOf: MAY_IMPORT[stage] } } } },
          })),
        },
      ],
    },
  },
)
