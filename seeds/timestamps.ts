const DAY_MS = 86_400_000

/** A UTC instant as `YYYY-MM-DD HH:MM:SS`: the one timestamp text every database stores alike. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

/** The reference time plus a number of days (negative: before), as a timestamp text. */
export function daysFrom(referenceMs: number, days: number): string {
  return formatTimestamp(referenceMs + days * DAY_MS)
}

export { DAY_MS }
