const DAY_MS = 86_400_000

/** `YYYY-MM-DD` by day number: seeded timestamps span a few thousand days at most. */
const dates = new Map<number, string>()

const two = (n: number): string => (n < 10 ? '0' : '') + n

/**
 * A UTC instant as `YYYY-MM-DD HH:MM:SS`: the one timestamp text every database stores alike. Seeding
 * formats millions of these: the date part is cached by day and the time built by hand.
 */
export function formatTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  const day = Math.floor(seconds / 86_400)
  let date = dates.get(day)
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10)
    if (dates.size < 100_000) dates.set(day, date)
  }
  const inDay = seconds - day * 86_400
  return `${date} ${two(Math.floor(inDay / 3600))}:${two(Math.floor(inDay / 60) % 60)}:${two(inDay % 60)}`
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
