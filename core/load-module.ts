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
  // Resolving an async function with a value reads its `then`: an export whose `then` throws (a proxy)
  // would escape as a bare error, one with a `then` method would be awaited, maybe forever (both found
  // by the readers' fuzz tests).
  let then: unknown
  try {
    then = (module.default as { then?: unknown } | null | undefined)?.then
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new refusal(`${shownAs}: reading its default export failed: ${message.split('\n')[0]}`)
  }
  if (then !== undefined)
    throw new refusal(`${shownAs}: the default export has a 'then': export the object itself, not a promise`)
  return module.default
}
