import type { CellValue, ColumnSpec, FkAction, IndexSpec } from '../core/table-spec.js'
import type { ImportedFrom } from './imported-json.js'

/**
 * A scenario: tables linked by foreign keys, how to fill them at a given scale, which rows to delete
 * (the target), and what an application does when it deletes them (callbacks). TypeScript scenarios
 * use this type directly; JSON scenarios are validated into it (`scenario-schema.ts`).
 */
export interface Scenario {
  /** Lower-case name, e.g. `bookstore`. */
  readonly name: string
  /** One line: what the scenario models. */
  readonly description: string
  /**
   * The instant the seeded data is "as of" (ISO-8601, UTC). Timestamps are generated relative to it
   * and targets compare against it, so data and targets are the same on every run and database.
   */
  readonly referenceTime: string
  /** Where `delbench import` read it from, for a scenario imported from a live database. */
  readonly imported?: ImportedFrom
  readonly tables: readonly ScenarioTable[]
  readonly target: TargetSpec
  /** Other targets by name, e.g. `ten-libraries`; chosen with `--scenario NAME:VARIANT`. */
  readonly variants?: Readonly<Record<string, TargetSpec>>
  /** Set when a variant's target replaced the default one (`--scenario NAME:VARIANT`). */
  readonly variant?: string
  readonly callbacks?: readonly CallbackSpec[]
  /** Concurrent foreground traffic to run during the deletion. */
  readonly traffic?: readonly TrafficSpec[]
}

/** A table with the columns' generators and its row count at scale 1. */
export interface ScenarioTable {
  readonly name: string
  readonly columns: readonly ScenarioColumn[]
  /**
   * The primary key: one column (`'id'`), several for a composite key (`['order_id', 'line_no']`), or
   * absent for a table without one.
   */
  readonly primaryKey?: string | readonly string[]
  readonly foreignKeys?: readonly ScenarioForeignKey[]
  readonly indexes?: readonly IndexSpec[]
  readonly rows: RowCountSpec
  /**
   * The timestamp column `--partitions month` range-partitions this table on, and the span of its
   * values in days relative to the reference time: one partition per month of the span, one for
   * anything older and one from the month after on (where new rows go).
   */
  readonly partitioning?: { readonly column: string; readonly fromDays: number; readonly toDays: number }
}

/**
 * A foreign key as a scenario declares it: one referencing `column`, or several (`columns`) for a
 * composite key, exactly one of the two. It references `referencedColumns` of the parent, by default
 * the parent's primary key (which must then exist); they may name a unique key of the parent instead.
 */
export interface ScenarioForeignKey {
  readonly column?: string
  readonly columns?: readonly string[]
  readonly references: string
  readonly referencedColumns?: readonly string[]
  readonly onDelete: FkAction
  /** Whether an index backs the referencing columns (MySQL/InnoDB always creates one: it must). */
  readonly indexed: boolean
}

export interface ScenarioColumn extends ColumnSpec {
  readonly generate: Generator
  /**
   * Share of rows (0–1) whose value is null instead of the generator's, chosen per row from the row
   * number alone; only on nullable columns.
   */
  readonly nullFraction?: number
}

/**
 * Rows at scale 1: a number (multiplied by `--scale`), or a fixed number per row of another table,
 * which keeps children proportional to their parents at every scale.
 */
export type RowCountSpec = number | { readonly per: number; readonly of: string }

/** Everything a generator may use for one row. Values must depend only on these, for determinism. */
export interface RowContext {
  /** 0-based row number within the table. */
  readonly index: number
  /** Rows this table gets at this scale. */
  readonly count: number
  /** Row counts of every table at this scale. */
  readonly counts: Readonly<Record<string, number>>
  /** The scenario's reference time, in milliseconds since the epoch. */
  readonly referenceMs: number
  /** This column's own seeded random stream. */
  readonly random: RandomSource
  /**
   * This column's 32-bit seed (the one its random stream starts from): generators whose value must be
   * computable from the row number alone (`uuid`) hash it with the index instead of drawing.
   */
  readonly seed: number
  /** The seed of any column of the scenario, as `seed` is for this one (a child can recompute a parent's uuid). */
  seedOf(table: string, column: string): number
  /** Rows this table has at scale 1, which `distinct` counts are given for; `count` where unknown. */
  readonly baseCount?: number
  /** A deterministic pool of faker-made values (`person.fullName`, `lorem.sentence`, ...). */
  pool(method: string, size?: number): readonly string[]
}

/** A seeded random stream (one per table and column). */
export interface RandomSource {
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number
  /** A float in [0, 1). */
  float(): number
  /** One element of a non-empty array. */
  pick<T>(values: readonly T[]): T
}

/** A column's values: a declarative spec (JSON-able) or, in TypeScript scenarios, a function. */
export type Generator = GeneratorSpec | ((row: RowContext) => CellValue)

export type GeneratorSpec =
  /** `start + index` (default start 1): surrogate keys. */
  | { readonly kind: 'sequence'; readonly start?: number }
  /** Uniform integer in [min, max]; with `distinct`, drawn from that many values spread over the range. */
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly distinct?: number }
  /** One of the values, optionally weighted. */
  | { readonly kind: 'choice'; readonly values: readonly CellValue[]; readonly weights?: readonly number[] }
  /** A value from a pool built with a faker method, e.g. `person.fullName`. */
  | { readonly kind: 'faker'; readonly method: string; readonly poolSize?: number }
  /** A timestamp between `fromDays` and `toDays` relative to the reference time (negative = before). */
  | { readonly kind: 'timestamp'; readonly fromDays: number; readonly toDays: number }
  /**
   * A key of a parent row: `per` consecutive rows share a parent (`block`), or a random parent. The value
   * is the parent row's key column computed from the parent's row index (see `seeds/parent-keys.ts`).
   * `column` names which of the parent's referenced columns (default: inferred from this table's FK
   * through this column). When `table` is this table (a tree), a share `roots` of the rows (default
   * 0.1) are roots (NULL) and every other row takes an earlier row as its parent.
   */
  | {
      readonly kind: 'parent'
      readonly table: string
      readonly per?: number
      readonly distribution?: 'block' | 'uniform'
      readonly column?: string
      readonly roots?: number
    }
  /**
   * The row's number among the rows that share its parent under the `parent` generator's block rule
   * with the same `table` and `per` (`start`, `start + 1`, …): the second column of a composite key such
   * as order_lines(order_id, line_no).
   */
  | { readonly kind: 'nth-child'; readonly table: string; readonly per?: number; readonly start?: number }
  /** Digits `#` in the pattern replaced by random digits, e.g. `978-##########`. */
  | { readonly kind: 'pattern'; readonly pattern: string }
  /** A JSON object whose fields are generated by the given generators. */
  | { readonly kind: 'json'; readonly fields: Readonly<Record<string, GeneratorSpec>> }
  /** Always this value (e.g. null). */
  | { readonly kind: 'constant'; readonly value: CellValue }
  /**
   * Random letters, `minLength` to `maxLength` of them. `distinct`: drawn from that many values;
   * `unique`: every row's value differs (the row number, in letters, ends it).
   */
  | {
      readonly kind: 'text'
      readonly minLength: number
      readonly maxLength: number
      readonly distinct?: number
      readonly unique?: boolean
    }
  /** Uniform number in [min, max], rounded to `scale` decimals; `distinct` as for `int`. */
  | {
      readonly kind: 'number'
      readonly min: number
      readonly max: number
      readonly scale?: number
      readonly distinct?: number
    }
  /** A version-4-shaped uuid computed from the row number and the column's seed: unique per row. */
  | { readonly kind: 'uuid' }
  /** 1 (true) for about `trueFraction` of rows, else 0. */
  | { readonly kind: 'boolean'; readonly trueFraction: number }
  /** `minLength` to `maxLength` random bytes. */
  | { readonly kind: 'bytes'; readonly minLength: number; readonly maxLength: number }
  /** A JSON array of `minLength` to `maxLength` values of the `of` generator. */
  | {
      readonly kind: 'array'
      readonly of: GeneratorSpec
      readonly minLength: number
      readonly maxLength: number
    }
  /**
   * Equal-frequency buckets between ascending bounds (as PostgreSQL's `pg_stats.histogram_bounds`): a
   * bucket drawn uniformly, then a value uniform within it. Numbers (integers if every bound is one), or
   * ISO dates / timestamps (values then have the bounds' form, whole seconds, UTC).
   */
  | { readonly kind: 'histogram'; readonly bounds: readonly (number | string)[] }

/** The rows to delete: a root table and a predicate on it. */
export interface TargetSpec {
  /** One line, e.g. `books with quantity 0 not updated in the last month`. */
  readonly description: string
  readonly table: string
  /**
   * A portable SQL predicate on the root table with `?` placeholders; parameters are computed from the
   * scale and reference time, so the same rows are targeted on every database.
   */
  readonly where: string
  readonly params?: (env: TargetEnvironment) => readonly CellValue[]
  /**
   * Declares that the target is exactly the rows whose `column` is below the parameter at index
   * `param` (`created_at < ?`): a strategy may then drop whole partitions below that cutoff without
   * looking at their rows. The verifier still checks every row.
   */
  readonly olderThan?: { readonly column: string; readonly param: number }
  /** Target rows at scale `s`, when the scenario can state it exactly (checked by tests). */
  readonly expectedRows?: (env: TargetEnvironment) => number
}

export interface TargetEnvironment {
  readonly scale: number
  readonly referenceMs: number
  readonly counts: Readonly<Record<string, number>>
}

/** What an application does on deletion, which ORM-style strategies must do and verification checks. */
export type CallbackSpec =
  /** Deleting a row of `table` sets `parent.column` to the deletion time on the row it references. */
  | {
      readonly kind: 'touch'
      readonly table: string
      readonly foreignKey: string
      readonly parent: string
      readonly column: string
    }
  /** Deleting a row of `table` sends a pre-delete and a post-delete signal to each of `receivers`. */
  | { readonly kind: 'signal'; readonly table: string; readonly receivers: number }

/** Foreground traffic: one statement repeated open-loop at a fixed rate during the deletion. */
export interface TrafficSpec {
  readonly name: string
  /** Operations per second, intended. */
  readonly rate: number
  /** Portable SQL with `?` placeholders. */
  readonly sql: string
  /** One generator per placeholder, evaluated per operation (`index` counts operations). */
  readonly params?: readonly Generator[]
  /**
   * Columns this statement changes on rows the deletion keeps: the verifier leaves them out of the
   * survivors' checksum, since the application's writes are not the strategy's.
   */
  readonly updates?: { readonly table: string; readonly columns: readonly string[] }
}
