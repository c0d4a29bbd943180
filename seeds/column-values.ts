import { numericDigits } from '../core/table-spec.js'
import type { ScenarioColumn } from '../scenarios/scenario.js'
import { compileGenerator, type GeneratorOptions, type ValueFunction } from './generators.js'
import { hashFraction, mix32 } from './hash.js'

/** Mixed into the column's seed for the null draw, so it is not correlated with the column's uuids. */
const NULL_SALT = 0x6e756c6c

/**
 * A column's values as its type stores them: the generator's value fitted to the column (a `numeric`
 * rounded to its scale, a `date` cut from a timestamp), then null for the column's `nullFraction` of
 * rows. Fitting here keeps what is loaded and what checksums expect the same on every database: each
 * would otherwise round or cut in its own way.
 */
export function compileColumn(column: ScenarioColumn, options: GeneratorOptions = {}): ValueFunction {
  const generate = compileGenerator(column.generate, options)
  const fitted = fitToType(column, generate)
  const fraction = column.nullFraction ?? 0
  if (fraction <= 0) return fitted
  // The value is still generated for null rows, so the other rows' values do not move.
  return (row) => {
    const value = fitted(row)
    return hashFraction(mix32(row.seed ^ NULL_SALT), row.index) < fraction ? null : value
  }
}

function fitToType(column: ScenarioColumn, fn: ValueFunction): ValueFunction {
  switch (column.type) {
    case 'numeric': {
      const { scale } = numericDigits(column)
      // Beyond 15 decimals a double has no digits left to round: its shortest text is loaded as it is.
      if (scale > 15) return fn
      const factor = 10 ** scale
      return (row) => {
        const value = fn(row)
        return typeof value === 'number' ? Math.round(value * factor) / factor : value
      }
    }
    case 'date':
      return (row) => {
        const value = fn(row)
        return typeof value === 'string' ? value.slice(0, 10) : value
      }
    default:
      return fn
  }
}
