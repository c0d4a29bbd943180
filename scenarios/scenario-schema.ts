import { z } from 'zod'
import { FK_ACTIONS } from '../core/table-spec.js'
import type { GeneratorSpec } from './scenario.js'

const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier (letters, digits, _)')
const cell = z.union([z.number(), z.string(), z.null()])

export const generatorSpecSchema: z.ZodType<GeneratorSpec> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sequence'), start: z.number().int().optional() }).strict(),
    z.object({ kind: z.literal('int'), min: z.number().int(), max: z.number().int() }).strict(),
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
  ]),
)

/** A function, allowed where TypeScript and JavaScript scenario modules may compute values. */
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function')

const columnSchema = (generator: z.ZodType) =>
  z
    .object({
      name: identifier,
      type: z.enum(['integer', 'bigint', 'varchar', 'text', 'timestamp', 'json']),
      length: z.number().int().positive().max(16383).optional(),
      nullable: z.boolean().optional(),
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

const scenarioSchema = (generator: z.ZodType, params: z.ZodType, expected: z.ZodType) =>
  z
    .object({
      name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
      description: z.string().min(1),
      referenceTime: z.iso.datetime({ offset: true }),
      tables: z.array(tableSchema(generator)).min(1),
      target: targetSchema(params, expected),
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
