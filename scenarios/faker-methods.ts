import type { Faker } from '@faker-js/faker'
import { faker } from '@faker-js/faker/locale/en'

/** Resolves `module.method` (e.g. `person.fullName`) on a faker instance, or says what is wrong. */
export function fakerMethod(faker: Faker, method: string): () => unknown {
  const [moduleName, fnName, ...rest] = method.split('.')
  const module =
    moduleName === undefined ? undefined : (faker as unknown as Record<string, unknown>)[moduleName]
  const fn =
    fnName === undefined || typeof module !== 'object' || module === null
      ? undefined
      : (module as Record<string, unknown>)[fnName]
  if (rest.length > 0 || typeof fn !== 'function') {
    throw new Error(
      `'${method}' is not a faker method (write module.method, e.g. person.fullName or lorem.sentence)`,
    )
  }
  return () => (fn as () => unknown).call(module)
}

/** Whether `method` names a faker method, for validating scenario files. */
export function isFakerMethod(method: string): boolean {
  try {
    fakerMethod(faker, method)
    return true
  } catch {
    return false
  }
}
