import fs from 'node:fs'

/**
 * A module loader hook that appends the package name of every module resolved from node_modules to the
 * file named by DELBENCH_TEST_MODULE_LOG: which libraries a command loads, exactly, without a clock.
 */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url)
  if (match && process.env.DELBENCH_TEST_MODULE_LOG)
    fs.appendFileSync(process.env.DELBENCH_TEST_MODULE_LOG, `${match[1]}\n`)
  return resolved
}
