/**
 * The catalog queries of the PostgreSQL reader. Each takes the schema's name as $1 and reads only base
 * tables and partitioned tables that are not themselves partitions: a partition is folded into its
 * parent. Attribute numbers are turned into names in SQL, so no query depends on another's result.
 */

const OWN_TABLES = `c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition`

/** The names of a relation's attributes listed by number in an int2 array, in that order. */
const names = (rel: string, keys: string) => `(SELECT array_agg(a.attname::text ORDER BY key_.n)
  FROM unnest(${keys}) WITH ORDINALITY AS key_(attnum, n)
  JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = key_.attnum)`

export const PG_TABLES_SQL = `
SELECT c.relname AS name, c.relkind AS kind, c.reltuples::float8 AS reltuples,
       (SELECT sum(l.reltuples)::float8 FROM pg_partition_tree(c.oid) AS p
          JOIN pg_class l ON l.oid = p.relid WHERE p.isleaf AND l.reltuples > 0) AS leaf_tuples
FROM pg_class c WHERE ${OWN_TABLES} ORDER BY c.relname`

export const PG_COLUMNS_SQL = `
SELECT c.relname AS t, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS native,
       a.atttypmod AS typmod, coalesce(b.typname, t.typname) AS typname,
       coalesce(b.typtype, t.typtype) AS typtype, coalesce(b.typcategory, t.typcategory) AS category,
       e.typname AS element, e.typtype AS element_type, a.attnotnull AS notnull,
       pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated,
       (SELECT array_agg(l.enumlabel::text ORDER BY l.enumsortorder) FROM pg_enum l
          WHERE l.enumtypid = coalesce(b.oid, t.oid)) AS labels
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
LEFT JOIN pg_type e ON e.oid = coalesce(b.typelem, t.typelem) AND coalesce(b.typcategory, t.typcategory) = 'A'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE ${OWN_TABLES} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`

/** Key columns only (not INCLUDE columns); expression columns come back as null names. */
export const PG_INDEXES_SQL = `
SELECT c.relname AS t, ic.relname AS name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
       i.indpred IS NOT NULL AS partial, i.indexprs IS NOT NULL AS expression,
       ${names('i.indrelid', '(i.indkey::int2[])[0:i.indnkeyatts - 1]')} AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
WHERE ${OWN_TABLES}
ORDER BY c.relname, ic.relname`

/** Foreign keys declared on the table itself (a partition's copies have a parent constraint). */
export const PG_FOREIGN_KEYS_SQL = `
SELECT c.relname AS t, k.conname AS name, r.relname AS ref, k.confdeltype AS on_delete,
       ${names('k.conrelid', 'k.conkey')} AS columns,
       ${names('k.confrelid', 'k.confkey')} AS ref_columns
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_class r ON r.oid = k.confrelid
WHERE k.contype = 'f' AND k.conparentid = 0 AND ${OWN_TABLES}
ORDER BY c.relname, k.conname`

export const PG_PARTITIONING_SQL = `
SELECT c.relname AS t, p.partstrat AS strategy, 0 = ANY(p.partattrs::int2[]) AS expression,
       ${names('p.partrelid', 'p.partattrs::int2[]')} AS columns,
       (SELECT count(*) FROM pg_inherits h WHERE h.inhparent = p.partrelid) AS partitions
FROM pg_partitioned_table p
JOIN pg_class c ON c.oid = p.partrelid
WHERE ${OWN_TABLES}`

/** Triggers a user declared (not the FK machinery's) that fire on DELETE: tgtype bit 3. */
export const PG_DELETE_TRIGGERS_SQL = `
SELECT c.relname AS t, g.tgname AS name
FROM pg_trigger g
JOIN pg_class c ON c.oid = g.tgrelid
WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND (g.tgtype & 8) <> 0 AND ${OWN_TABLES}
ORDER BY c.relname, g.tgname`
