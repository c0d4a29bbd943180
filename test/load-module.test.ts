import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { importDefault } from '../core/load-module.js'
import { ScenarioFileError, loadScenarioFile } from '../scenarios/scenario-file.js'
import { StrategyError, StrategyRegistry } from '../strategies/registry.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delbench-test-load-module-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

class Refusal extends Error {}

describe('importDefault', () => {
  it('returns the default export', async () => {
    const file = write('ok.mjs', 'export default { answer: 42 }\n')
    await expect(importDefault(file, 'module ok', Refusal)).resolves.toEqual({ answer: 42 })
  })

  it('refuses a module that throws while loading in one line naming it', async () => {
    const file = write('throws.mjs', "throw new Error('first line\\nsecond line')\n")
    const error = await importDefault(file, 'module throws', Refusal).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Refusal)
    expect((error as Error).message).toBe('module throws failed to load: first line')
  })

  it('gives scenario and strategy files the same one-line refusal, each with its own error', async () => {
    const file = write('broken.mjs', 'export default {\n')
    const scenario = await loadScenarioFile(file).catch((e: unknown) => e)
    expect(scenario).toBeInstanceOf(ScenarioFileError)
    expect((scenario as Error).message).toMatch(
      new RegExp(`^scenario module ${file} failed to load: [^\\n]+$`),
    )
    const strategy = await new StrategyRegistry().resolve(file).catch((e: unknown) => e)
    expect(strategy).toBeInstanceOf(StrategyError)
    expect((strategy as Error).message).toMatch(
      new RegExp(`^strategy module ${file} failed to load: [^\\n]+$`),
    )
  })
})
