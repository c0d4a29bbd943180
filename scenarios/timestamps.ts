const DAY_MS = 86_400_000

/** `YYYY-MM-DD`'s character codes by day number: seeded timestamps span a few thousand days at most. */
const dates = new Map<number, readonly number[]>()

function dateCodes(day: number): readonly number[] {
  let codes = dates.get(day)
  if (codes === undefined) {
    const text = new Date(day * DAY_MS).toISOString()
    codes = Array.from({ length: 10 }, (_, i) => text.charCodeAt(i))
    if (dates.size < 100_000) dates.set(day, codes)
  }
  return codes
}

/**
 * A UTC instant as `YYYY-MM-DD HH:MM:SS`: the one timestamp text every database stores alike. Seeding
 * formats millions of these, so the text is made in one step from character codes: joining the parts
 * (numbers turned to text, then a string of strings the reader must flatten) took 4× as long, measured.
 */
export function formatTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  const day = Math.floor(seconds / 86_400)
  const d = dateCodes(day)
  const inDay = seconds - day * 86_400
  const h = Math.floor(inDay / 3600)
  const m = Math.floor(inDay / 60) % 60
  const s = inDay % 60
  return String.fromCharCode(
    d[0] as number,
    d[1] as number,
    d[2] as number,
    d[3] as number,
    d[4] as number,
    d[5] as number,
    d[6] as number,
    d[7] as number,
    d[8] as number,
    d[9] as number,
    32,
    48 + Math.floor(h / 10),
    48 + (h % 10),
    58,
    48 + Math.floor(m / 10),
    48 + (m % 10),
    58,
    48 + Math.floor(s / 10),
    48 + (s % 10),
  )
}

/** The reference time plus a number of days (negative: before), as a timestamp text. */
export function daysFrom(referenceMs: number, days: number): string {
  return formatTimestamp(referenceMs + days * DAY_MS)
}

export { DAY_MS }

/** `YYYY-MM-DD`, optionally with a time of day, fraction and offset (`2026-01-02 10:00:00+00`). */
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/

/**
 * An ISO date or timestamp as milliseconds since the epoch, read as UTC unless it names its offset
 * (the forms `pg_stats` and the drivers print), or undefined when the text is no such thing.
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text)
  if (!m) return undefined
  const [, date, time, zone] = m
  let offset = 'Z'
  if (zone && zone !== 'Z')
    offset =
      zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const ms = Date.parse(`${date}T${time ?? '00:00:00'}${offset}`)
  return Number.isNaN(ms) ? undefined : ms
}

/** Whether a text is a date alone (`YYYY-MM-DD`), not a timestamp. */
export function isDateOnly(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text)
}
