/**
 * The scenario file `delbench import` writes, as plain JSON shapes. The importer builds these and then
 * validates them with the same schema and checks `run` applies to any file (`scenario-file.ts`), so a
 * file it writes is one `run`, `seed` and `list` accept.
 */

export type JsonCell = number | string | null

/** A value generator as JSON (see `GeneratorSpec` for what each does). */
export type JsonGenerator = { readonly kind: string } & Readonly<Record<string, unknown>>

export interface JsonColumn {
  readonly name: string
  readonly type: string
  readonly length?: number
  readonly precision?: number
  readonly scale?: number
  readonly values?: readonly string[]
  readonly element?: string
  readonly nullable?: boolean
  readonly nullFraction?: number
  readonly generate: JsonGenerator
}

export interface JsonForeignKey {
  readonly columns: readonly string[]
  readonly references: string
  readonly referencedColumns?: readonly string[]
  readonly onDelete: 'cascade' | 'restrict' | 'set null' | 'no action'
  readonly indexed: boolean
}

export interface JsonTable {
  readonly name: string
  /** Omitted: the table has no primary key. */
  readonly primaryKey?: string | readonly string[]
  readonly rows: number
  readonly columns: readonly JsonColumn[]
  readonly foreignKeys?: readonly JsonForeignKey[]
  readonly indexes?: readonly { readonly columns: readonly string[]; readonly unique?: boolean }[]
}

export interface JsonTarget {
  readonly description: string
  readonly table: string
  readonly where: string
}

/** Where an imported scenario came from, recorded in its file: never a host, user or password. */
export interface ImportedFrom {
  readonly product: string
  readonly version: string
  readonly database: string
  /** When the source was read, ISO-8601 UTC. */
  readonly importedAt: string
  /** The delbench version that read it. */
  readonly delbench: string
  /** Row counts from the catalog's estimates, or counted (`--exact`). */
  readonly rowCounts: 'estimate' | 'exact'
  /** The target's rows in the source and their share of its table, as the source's planner or a count gave them. */
  readonly target?: {
    readonly rows: number
    readonly tableRows: number
    readonly share: number
    readonly method: 'estimate' | 'exact'
  }
  /** Columns whose most common values were copied into the file (`--copy-common-values`, target columns). */
  readonly copiedValues: readonly string[]
  /** What was mapped to something near, or left out, and why: one line each. */
  readonly notes: readonly string[]
}

export interface JsonScenarioFile {
  readonly name: string
  readonly description: string
  readonly referenceTime: string
  readonly imported: ImportedFrom
  readonly tables: readonly JsonTable[]
  /** Null until a target is chosen: `run` refuses the file until then. */
  readonly target: JsonTarget | null
}
