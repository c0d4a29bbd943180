/**
 * How a copy of a database was made or brought back: `clone` a full copy (template, file copy, rows
 * copied by SQL), `refresh` repaired in place row by row, `tablespace` the source's table files copied
 * in (InnoDB transportable tablespaces, on a server whose files this process can reach).
 */
export const COPY_METHODS = ['clone', 'refresh', 'tablespace'] as const
export type CopyMethod = (typeof COPY_METHODS)[number]
