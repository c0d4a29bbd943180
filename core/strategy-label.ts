/** An option's value as a run records it. */
export type OptionValue = string | number | boolean

/** How a label shows a run's options. */
export interface LabelStyle {
  /** Only these options (the swept ones, say), kept in the run's own order; every option where absent. */
  readonly only?: Iterable<string>
  /** Options sorted by name, so that the label does not depend on the order they were recorded in. */
  readonly sorted?: boolean
  /** `strategy(k=v,k=v)`, a name without spaces for dashboards, instead of `strategy (k=v k=v)`. */
  readonly compact?: boolean
}

/**
 * The one way a run is named by its strategy and options: `batched (batchSize=500 sleepMs=0)`, or just
 * `batched` when no option is shown. Progress lines, report tables, chart series, run identities and
 * exported benchmark names all build theirs here, so a run reads the same everywhere.
 */
export function strategyLabel(
  strategy: string,
  options: Readonly<Record<string, OptionValue>>,
  style: LabelStyle = {},
): string {
  const { only, sorted = false, compact = false } = style
  const keep = only === undefined ? undefined : new Set(only)
  const shown = Object.entries(options).filter(([k]) => keep === undefined || keep.has(k))
  if (sorted) shown.sort(([a], [b]) => a.localeCompare(b))
  const pairs = shown.map(([k, v]) => `${k}=${String(v)}`)
  if (pairs.length === 0) return strategy
  return compact ? `${strategy}(${pairs.join(',')})` : `${strategy} (${pairs.join(' ')})`
}
