import { z } from 'zod'
import { FK_ACTIONS } from '../core/table-spec.js'
import type { GeneratorSpec } from './scenario.js'
import { ARRAY_ELEMENT_TYPES, COLUMN_TYPES } from '../core/table-spec.js'

const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier (letters, digits, _)')
const cell = z.union([z.number(), z.string(), z.null()])
const fraction = z.number().min(0).max(1)
const length = z.number().int().min(0)
/** A count of distinct values at scale 1. */
const count = z.number().int().positive()

export const generatorSpecSchema: z.ZodType<GeneratorSpec> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sequence'), start: z.number().int().optional() }).strict(),
    z
      .object({
        kind: z.literal('int'),
        min: z.number().int(),
        max: z.number().int(),
        distinct: count.optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('choice'),
        values: z.array(cell).min(1),
        weights: z.array(z.number().positive()).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('faker'),
        method: z.string(),
        poolSize: z.number().int().positive().optional(),
      })
      .strict(),
    z.object({ kind: z.literal('timestamp'), fromDays: z.number(), toDays: z.number() }).strict(),
    z
      .object({
        kind: z.literal('parent'),
        table: identifier,
        per: z.number().int().positive().optional(),
        distribution: z.enum(['block', 'uniform']).optional(),
        column: identifier.optional(),
        roots: z.number().min(0).max(1).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('nth-child'),
        table: identifier,
        per: z.number().int().positive().optional(),
        start: z.number().int().optional(),
      })
      .strict(),
    z.object({ kind: z.literal('pattern'), pattern: z.string() }).strict(),
    z.object({ kind: z.literal('json'), fields: z.record(z.string(), generatorSpecSchema) }).strict(),
    z.object({ kind: z.literal('constant'), value: cell }).strict(),
    z
      .object({
        kind: z.literal('text'),
        minLength: length,
        maxLength: length,
        distinct: count.optional(),
        unique: z.boolean().optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('number'),
        min: z.number(),
        max: z.number(),
        scale: z.number().int().min(0).max(15).optional(),
        distinct: count.optional(),
      })
      .strict(),
    z.object({ kind: z.literal('uuid') }).strict(),
    z.object({ kind: z.literal('boolean'), trueFraction: fraction }).strict(),
    z.object({ kind: z.literal('bytes'), minLength: length, maxLength: length }).strict(),
    z
      .object({ kind: z.literal('array'), of: generatorSpecSchema, minLength: length, maxLength: length })
      .strict(),
    z
      .object({ kind: z.literal('histogram'), bounds: z.array(z.union([z.number(), z.string()])).min(2) })
      .strict(),
  ]),
)

/** A function, allowed where TypeScript and JavaScript scenario modules may compute values. */
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function')

const columnSchema = (generator: z.ZodType) =>
  z
    .object({
      name: identifier,
      type: z.enum(COLUMN_TYPES),
      length: z.number().int().positive().max(16383).optional(),
      nullable: z.boolean().optional(),
      // 38 digits: what MySQL's DECIMAL (65) and PostgreSQL's numeric (1000) both hold, and SQL Server's cap.
      precision: z.number().int().min(1).max(38).optional(),
      scale: z.number().int().min(0).max(38).optional(),
      values: z.array(z.string().min(1)).min(1).optional(),
      element: z.enum(ARRAY_ELEMENT_TYPES).optional(),
      nullFraction: fraction.optional(),
      generate: generator,
    })
    .strict()

const foreignKeySchema = z
  .object({
    column: identifier.optional(),
    columns: z.array(identifier).min(1).optional(),
    references: identifier,
    referencedColumns: z.array(identifier).min(1).optional(),
    onDelete: z.enum(FK_ACTIONS),
    indexed: z.boolean(),
  })
  .strict()

const tableSchema = (generator: z.ZodType) =>
  z
    .object({
      name: identifier,
      primaryKey: z.union([identifier, z.array(identifier).min(1)]).optional(),
      rows: z.union([
        z.number().positive(),
        z.object({ per: z.number().positive(), of: identifier }).strict(),
      ]),
      columns: z.array(columnSchema(generator)).min(1),
      foreignKeys: z.array(foreignKeySchema).optional(),
      indexes: z
        .array(z.object({ columns: z.array(identifier).min(1), unique: z.boolean().optional() }).strict())
        .optional(),
      partitioning: z
        .object({ column: identifier, fromDays: z.number(), toDays: z.number() })
        .strict()
        .refine((p) => p.fromDays < p.toDays, 'fromDays must be below toDays')
        .optional(),
    })
    .strict()

/** In JSON, a parameter is a literal or a timestamp relative to the reference time. */
const jsonParam = z.union([cell, z.object({ daysFromReference: z.number() }).strict()])

const targetSchema = (params: z.ZodType, expected: z.ZodType) =>
  z
    .object({
      description: z.string().min(1),
      table: identifier,
      where: z.string().min(1),
      params: params.optional(),
      olderThan: z
        .object({ column: identifier, param: z.number().int().min(0) })
        .strict()
        .optional(),
      expectedRows: expected.optional(),
    })
    .strict()

const callbackSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('touch'),
      table: identifier,
      foreignKey: identifier,
      parent: identifier,
      column: identifier,
    })
    .strict(),
  z.object({ kind: z.literal('signal'), table: identifier, receivers: z.number().int().min(0) }).strict(),
])

/** Where `delbench import` read the scenario from (see `ImportedFrom`). */
const importedSchema = z
  .object({
    product: z.string(),
    version: z.string(),
    database: z.string(),
    importedAt: z.iso.datetime({ offset: true }),
    delbench: z.string(),
    rowCounts: z.enum(['estimate', 'exact']),
    target: z
      .object({
        rows: z.number().min(0),
        tableRows: z.number().min(0),
        share: z.number().min(0).max(1),
        method: z.enum(['estimate', 'exact']),
      })
      .strict()
      .optional(),
    copiedValues: z.array(z.string()),
    notes: z.array(z.string()),
  })
  .strict()

const scenarioSchema = (generator: z.ZodType, params: z.ZodType, expected: z.ZodType) =>
  z
    .object({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
      description: z.string().min(1),
      referenceTime: z.iso.datetime({ offset: true }),
      imported: importedSchema.optional(),
      tables: z.array(tableSchema(generator)).min(1),
      // Null in a file `delbench import` wrote without --target: loading refuses it until one is set.
      target: targetSchema(params, expected).nullable(),
      variants: z.record(z.string(), targetSchema(params, expected)).optional(),
      callbacks: z.array(callbackSchema).optional(),
      traffic: z
        .array(
          z
            .object({
              name: z.string().min(1),
              rate: z.number().positive(),
              sql: z.string().min(1),
              params: z.array(generator).optional(),
              updates: z
                .object({ table: identifier, columns: z.array(identifier).min(1) })
                .strict()
                .optional(),
            })
            .strict(),
        )
        .optional(),
    })
    .strict()

/** A scenario written as JSON: declarative generators only; target parameters as literals. */
export const jsonScenarioSchema = scenarioSchema(
  generatorSpecSchema,
  z.array(jsonParam),
  z.number().int().min(0),
)

/** A scenario exported by a JavaScript module: functions are allowed where TypeScript allows them. */
export const moduleScenarioSchema = scenarioSchema(z.union([generatorSpecSchema, fn]), fn, fn)
