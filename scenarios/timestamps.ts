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
