import path from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * The default export of a user's JavaScript module (a scenario or a strategy). A module that cannot be
 * loaded throws `refusal` with one line, `<shownAs> failed to load: <the first line of the cause>`:
 * a syntax error's code frame and stack say nothing more a user can act on.
 */
export async function importDefault(
  file: string,
  shownAs: string,
  refusal: new (message: string) => Error,
): Promise<unknown> {
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new refusal(`${shownAs} failed to load: ${message.split('\n')[0]}`)
  }
  return module.default
}
