import { DelbenchError } from '../core/errors.js'
import { importDefault } from '../core/load-module.js'
import { BUILTIN_STRATEGIES } from './builtins.js'
import type { Strategy } from './strategy.js'

/** A strategy module that does not implement the interface, or a name nobody registered. */
export class StrategyError extends DelbenchError {}

/** Checks a value against the Strategy interface, naming the first thing missing. */
export function asStrategy(value: unknown, where: string): Strategy {
  try {
    return checkedStrategy(value, where)
  } catch (error) {
    if (error instanceof StrategyError) throw error
    // A getter or proxy in the export that throws when read (found by the readers' fuzz tests).
    const message = error instanceof Error ? error.message : String(error)
    throw new StrategyError(`${where}: reading its default export failed: ${message.split('\n')[0]}`)
  }
}

function checkedStrategy(value: unknown, where: string): Strategy {
  const s = value as Partial<Strategy> | null
  if (typeof s !== 'object' || s === null)
    throw new StrategyError(
      `${where}: the default export must be a strategy object { name, description, run }`,
    )
  if (typeof s.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(s.name))
    throw new StrategyError(`${where}: 'name' must be a lower-case name like my-strategy`)
  if (typeof s.description !== 'string' || s.description === '')
    throw new StrategyError(`${where}: 'description' must be a one-line string`)
  if (typeof s.run !== 'function')
    throw new StrategyError(`${where}: 'run' must be a function (ctx) => Promise<void>`)
  if (s.reads !== undefined && !Array.isArray(s.reads))
    throw new StrategyError(`${where}: 'reads' must be a list of option names when present`)
  if (s.unsupported !== undefined && typeof s.unsupported !== 'function')
    throw new StrategyError(`${where}: 'unsupported' must be a function when present`)
  return s as Strategy
}

/** Built-ins plus users' strategies, by name; a duplicate name is refused at registration. */
export class StrategyRegistry {
  readonly #byName = new Map<string, Strategy>()

  constructor(strategies: readonly Strategy[] = BUILTIN_STRATEGIES) {
    for (const s of strategies) this.register(s)
  }

  register(strategy: Strategy): void {
    if (this.#byName.has(strategy.name))
      throw new StrategyError(`a strategy named '${strategy.name}' is registered already`)
    this.#byName.set(strategy.name, strategy)
  }

  all(): Strategy[] {
    return [...this.#byName.values()]
  }

  /** A strategy by name, or a user's module by path (`.js`/`.mjs`, default export), registered on load. */
  async resolve(reference: string): Promise<Strategy> {
    if (/[/\\]|\.m?js$/i.test(reference)) {
      const shownAs = `strategy module ${reference}`
      const strategy = asStrategy(await importDefault(reference, shownAs, StrategyError), shownAs)
      this.register(strategy)
      return strategy
    }
    const found = this.#byName.get(reference)
    if (!found)
      throw new StrategyError(
        `unknown strategy '${reference}': choose one of ${[...this.#byName.keys()].join(', ')}, or a .js module path`,
      )
    return found
  }
}
