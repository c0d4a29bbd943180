import { describe, expect, it } from 'vitest'
import type { CellValue, ColumnSpec, TableSpec } from '../core/table-spec.js'
import type { SqlLogEntry } from '../db/instrumented-connection.js'
import { postgresLoadTable, postgresLoadTableAs } from '../db/postgres/postgres-bulk-load.js'
import { postgresAdapter } from '../db/postgres/postgres-adapter.js'
import { skipped, TEST_DATABASES } from './support/servers.js'
import { useScratchDatabase } from './support/test-server.js'

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'integer' },
  { name: 'i', type: 'integer', nullable: true },
  { name: 'b', type: 'bigint', nullable: true },
  { name: 'v', type: 'varchar', length: 40, nullable: true },
  { name: 't', type: 'text', nullable: true },
  { name: 'ts', type: 'timestamp', nullable: true },
  { name: 'tz', type: 'timestamptz', nullable: true },
  { name: 'd', type: 'date', nullable: true },
  { name: 'j', type: 'json', nullable: true },
  { name: 'n', type: 'numeric', precision: 20, scale: 4, nullable: true },
  { name: 'f', type: 'double', nullable: true },
  { name: 'ok', type: 'boolean', nullable: true },
  { name: 'u', type: 'uuid', nullable: true },
  { name: 'e', type: 'enum', values: ['low', 'high'], nullable: true },
  { name: 'by', type: 'bytes', nullable: true },
  { name: 'ai', type: 'array', element: 'integer', nullable: true },
  { name: 'ab', type: 'array', element: 'bigint', nullable: true },
  { name: 'at', type: 'array', element: 'text', nullable: true },
  { name: 'av', type: 'array', element: 'varchar', nullable: true },
  { name: 'an', type: 'array', element: 'numeric', nullable: true },
  { name: 'ao', type: 'array', element: 'boolean', nullable: true },
  { name: 'au', type: 'array', element: 'uuid', nullable: true },
]

/** Null for the rest of a row's columns. */
const nulls = (n: number): null[] => new Array<null>(n).fill(null)

/** Every type in the forms the generators make, their plain variants, and the edges of each. */
const ROWS: CellValue[][] = [
  [
    1,
    0,
    0,
    '',
    '',
    '2026-01-02 03:04:05',
    '2026-01-02 03:04:05',
    '2026-01-02',
    '{}',
    0,
    0,
    0,
    '00000000-0000-0000-0000-000000000000',
    'low',
    '',
    '[]',
    '[]',
    '[]',
    '[]',
    '[]',
    '[]',
    '[]',
  ],
  [
    2,
    -2147483648,
    '-9223372036854775808',
    'tab\there',
    'line\nbreak \\ back\rslash',
    '1970-01-01 00:00:00',
    '1999-12-31T23:59:59.5',
    '1999-12-31',
    '{"b":[1,2,{"c":null}],"a":"naïve ☃ 𝄞"}',
    -12345678.9012,
    -1.5e-7,
    1,
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    'high',
    'deadbeef',
    '[1,null,-3]',
    '["9007199254740993",2]',
    '["a\\"b","c\\\\d",null,"{x,y}"]',
    '["naïve"]',
    '[1.25,-0.5,null]',
    '[true,false,null]',
    '["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]',
  ],
  [
    3,
    2147483647,
    9007199254740991,
    'x'.repeat(40),
    '\\N',
    '2999-12-31 23:59:59',
    '2026-07-01 12:00:00.123456',
    '2000-01-01',
    '[1,"two",3.5]',
    '1.23456',
    '0.1',
    0,
    'a0eebc999c0b4ef8bb6d6bb9bd380a11',
    'low',
    '00ff',
    '[2147483647]',
    '["-9223372036854775807"]',
    '["日本"]',
    '[]',
    '["100"]',
    '[1,0]',
    '[]',
  ],
  [
    4,
    '42',
    '-7',
    null,
    null,
    '2026-01-02 03:04',
    '2026-01-02',
    '2024-02-29',
    '"just a string"',
    '-0.00005',
    '3',
    't',
    ...nulls(10),
  ],
  [
    5,
    ...nulls(4),
    '1899-12-31 23:59:59.000001',
    '1969-12-31 23:59:59',
    '1600-02-29',
    null,
    99999999.99995,
    -0,
    'false',
    ...nulls(10),
  ],
]

/**
 * Values PostgreSQL reads as text but the binary encoders do not take: an offset the timestamp type
 * ignores, a fraction of a second past what a double holds exactly, a boolean spelling, a uuid in braces, a number in exponent form, a date with short fields.
 */
const TEXT_ONLY: CellValue[][] = [
  ['ts', '2026-01-02 10:00:00+05'],
  ['tz', '2999-12-31 23:59:59.000001'],
  ['ok', 'yes'],
  ['u', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'],
  ['n', '1e3'],
  ['d', '2026-1-2'],
  ['i', ' 12'],
  ['at', '[1,2]'],
]

const table = (name: string): TableSpec => ({
  name,
  columns: COLUMNS,
  primaryKey: ['id'],
  foreignKeys: [],
  indexes: [],
})

for (const db of TEST_DATABASES.filter((d) => d.dialect === 'postgres'))
  describe.skipIf(skipped(db))('PostgreSQL binary COPY', () => {
    const copies: string[] = []
    const scratch = useScratchDatabase(db, 'binary_copy', {
      logger: (entry: SqlLogEntry) => {
        if (entry.sql.startsWith('COPY')) copies.push(entry.sql)
      },
    })

    /** Every row of a table as PostgreSQL prints it: what both load paths must agree on. */
    const printed = async (name: string): Promise<string[]> => {
      const conn = await scratch.open()
      try {
        const q = postgresAdapter.quote
        const { rows } = await conn.query<{ row: string }>(
          `SELECT ${q(name)}::text AS row FROM ${q(name)} ORDER BY id`,
        )
        return rows.map((r) => r.row)
      } finally {
        await conn.close()
      }
    }

    const load = async (
      name: string,
      rows: CellValue[][],
      how: 'binary, else text' | 'text',
      constants?: ReadonlyMap<string, CellValue>,
    ): Promise<{ loaded: number; copies: string[] }> => {
      const conn = await scratch.open()
      copies.length = 0
      try {
        const loaded =
          how === 'text'
            ? await postgresLoadTableAs(conn, table(name), 'text', () => [rows])
            : await postgresLoadTable(conn, table(name), () => [rows], constants)
        return { loaded, copies: [...copies] }
      } finally {
        await conn.close()
      }
    }

    it('stores every type exactly as the text path stores it, in one binary COPY', async () => {
      const binary = await load('bin_all', ROWS, 'binary, else text')
      expect(binary.loaded).toBe(ROWS.length)
      expect(binary.copies).toHaveLength(1)
      expect(binary.copies[0]).toContain('FORMAT binary')
      const text = await load('txt_all', ROWS, 'text')
      expect(text.copies).toHaveLength(1)
      expect(text.copies[0]).not.toContain('FORMAT binary')
      const stored = await printed('bin_all')
      expect(stored).toEqual(await printed('txt_all'))
      // And what it stored is the values given, not merely the same mistake twice.
      expect(stored[1]).toContain('"1999-12-31 23:59:59.5+00"')
      expect(stored[0]).toContain(',2026-01-02,')
      expect(stored[1]).toContain(',-12345678.9012,')
      expect(stored[2]).toContain(',1.2346,')
      expect(stored[1]).toContain('{1,NULL,-3}')
      expect(stored[1]).toContain('"\\\\xdeadbeef"')
    })

    it('stores repeated texts as the text path does, kept or not (values met again, values met once)', async () => {
      // 10,000 rows: v, j and e cycle through few values (their bytes are kept and copied), t is new on
      // every row (its column stops keeping bytes after its first values), and numbers stand in for text.
      const repeated = ['', 'naïve ☃ 𝄞', ' '.repeat(40), 'tab\there', 42]
      const rows: CellValue[][] = Array.from({ length: 10_000 }, (_, i) => {
        const row: CellValue[] = [i + 1, ...nulls(COLUMNS.length - 1)]
        row[3] = repeated[i % repeated.length] ?? null
        row[4] = `row ${i} ${'é'.repeat(i % 20)}`
        row[8] = i % 3 === 0 ? '{"a":"naïve"}' : '[1,2]'
        row[13] = i % 2 === 0 ? 'low' : 'high'
        return row
      })
      const binary = await load('bin_repeat', rows, 'binary, else text')
      expect(binary).toEqual({
        loaded: rows.length,
        copies: [expect.stringContaining('FORMAT binary') as string],
      })
      await load('txt_repeat', rows, 'text')
      const stored = await printed('bin_repeat')
      expect(stored).toEqual(await printed('txt_repeat'))
      expect(stored[1]).toContain('"naïve ☃ 𝄞"')
      expect(stored[9_999]).toContain(`"row 9999 ${'é'.repeat(19)}"`)
    })

    it('has the server fill the constant columns it can, storing what sending them stores, and leaves no default', async () => {
      // Each constant column holds its value on every row, as the generators make it.
      const constants = new Map<string, CellValue>([
        ['i', 7],
        ['b', '9007199254740993'], // beyond a double: sent
        ['v', "it's a \\ $$ test"],
        ['t', 'a $d$ tag'], // holds the quoting's tag: sent
        ['ts', null], // nullable: omitted
        ['f', 2.5], // not a plain form: sent
      ])
      const rows = ROWS.map((row) =>
        row.map((v, c) => {
          const name = COLUMNS[c]?.name ?? ''
          return constants.has(name) ? (constants.get(name) as CellValue) : v
        }),
      )
      const binary = await load('bin_const', rows, 'binary, else text', constants)
      expect(binary.loaded).toBe(rows.length)
      expect(binary.copies).toHaveLength(1)
      const sent = /\(([^)]*)\) FROM STDIN/.exec(binary.copies[0] ?? '')?.[1] ?? ''
      for (const filled of ['"i"', '"v"', '"ts"']) expect(sent).not.toContain(filled)
      for (const kept of ['"id"', '"b"', '"t"', '"f"', '"u"']) expect(sent).toContain(kept)
      await load('txt_const', rows, 'text')
      const stored = await printed('bin_const')
      expect(stored).toEqual(await printed('txt_const'))
      expect(stored[0]).toContain(`(1,7,9007199254740993,"it's a \\\\ $$ test","a $d$ tag",,`)
      const conn = await scratch.open()
      try {
        const { rows: left } = await conn.query(
          "SELECT adnum FROM pg_attrdef WHERE adrelid = 'bin_const'::regclass",
        )
        expect(left).toEqual([])
      } finally {
        await conn.close()
      }
    })

    it('loads no rows as binary and as text alike', async () => {
      const binary = await load('bin_none', [], 'binary, else text')
      expect(binary).toEqual({ loaded: 0, copies: [expect.stringContaining('FORMAT binary') as string] })
      expect(await printed('bin_none')).toEqual([])
    })

    it.each(TEXT_ONLY)(
      'starts the table over as text for a value only text carries (%s %j)',
      async (column, value) => {
        const rows = ROWS.map((row) => {
          const copy = [...row]
          if (row[0] === 3) copy[COLUMNS.findIndex((c) => c.name === column)] = value
          return copy
        })
        const name = `fb_${String(column)}`
        const fallback = await load(name, rows, 'binary, else text')
        expect(fallback.loaded).toBe(rows.length)
        expect(fallback.copies).toHaveLength(2)
        expect(fallback.copies[0]).toContain('FORMAT binary')
        expect(fallback.copies[1]).not.toContain('FORMAT binary')
        await load(`${name}_txt`, rows, 'text')
        expect(await printed(name)).toEqual(await printed(`${name}_txt`))
      },
    )

    it('fails as the text path fails on a value the column cannot hold', async () => {
      const tooLong = ROWS.map((row) =>
        row[0] === 3 ? row.map((v, i) => (i === 3 ? 'x'.repeat(41) : v)) : row,
      )
      await expect(load('bin_long', tooLong, 'binary, else text')).rejects.toThrow(
        /value too long for type character varying\(40\)/,
      )
      const overflow = ROWS.map((row) =>
        row[0] === 3 ? row.map((v, i) => (i === 9 ? '12345678901234567' : v)) : row,
      )
      await expect(load('bin_overflow', overflow, 'binary, else text')).rejects.toThrow(
        /numeric field overflow/,
      )
    })
  })
