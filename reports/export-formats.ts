/** The dashboards delbench can feed without new infrastructure. */
export const EXPORT_FORMATS = ['github-action-benchmark', 'bencher'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The file each format is written to, beside the reports. */
export const EXPORT_FILES: Readonly<Record<ExportFormat, string>> = {
  'github-action-benchmark': 'github-action-benchmark.json',
  bencher: 'bencher.json',
}
