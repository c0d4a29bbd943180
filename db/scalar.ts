import type { Connection } from './connection.js'

/** The value of the first column of the first row, as a string ('' when there is none). */
export async function scalar(
  conn: Connection,
  sql: string,
  params: readonly unknown[] = [],
): Promise<string> {
  const { rows } = await conn.query(sql, params)
  const first = rows[0]
  if (first === undefined) return ''
  const value = Object.values(first)[0]
  return value === null || value === undefined ? '' : String(value)
}
