import { DelbenchError } from '../core/errors.js'

/** A flag's whole number of at least `min`, or one line saying what it takes. */
export function wholeNumber(value: string, flag: string, min: number): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < min)
    throw new DelbenchError(`${flag} takes a whole number of at least ${min}, not '${value}'`)
  return n
}
