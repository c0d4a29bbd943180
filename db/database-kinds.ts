/** The forms `--db` accepts, for `delbench list` and help texts. */
export const DATABASE_KINDS: readonly { readonly form: string; readonly description: string }[] = [
  {
    form: 'sqlite',
    description: 'embedded SQLite (better-sqlite3), no server; database files in ./.delbench/ (the default)',
  },
  { form: 'sqlite:PATH', description: 'embedded SQLite with its database files in the folder PATH' },
  {
    form: 'postgres://USER@HOST:PORT/DB',
    description:
      'a PostgreSQL server; DB is used only to create delbench_* databases; password in the URL or PGPASSWORD',
  },
  {
    form: 'mysql://USER@HOST:PORT/',
    description:
      'a MySQL server or any MySQL-protocol server (Aurora, TiDB, Vitess); password in the URL or MYSQL_PWD',
  },
  { form: 'mariadb://USER@HOST:PORT/', description: 'a MariaDB server (the MySQL dialect)' },
  {
    form: 'postgres | mysql | mariadb',
    description: 'a throw-away server in a container started with testcontainers (needs a Docker engine)',
  },
]
