import { describe, expect, it } from 'vitest'
import { detectMysqlProduct, detectPostgresProduct } from '../db/server-version.js'

describe('server product detection from version strings', () => {
  it.each([
    [
      'PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc',
      'PostgreSQL',
      '15.20',
    ],
    [
      'PostgreSQL 16.4 on aarch64-unknown-linux-gnu, compiled by aarch64-unknown-linux-gnu-gcc (GCC) 9.5.0, 64-bit',
      'PostgreSQL',
      '16.4',
    ],
    [
      'CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)',
      'CockroachDB',
      '23.1.11',
    ],
    [
      'PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 16.0.6',
      'YugabyteDB',
      '2.20.1.0',
    ],
  ])('%s', (versionString, product, version) => {
    expect(detectPostgresProduct(versionString)).toMatchObject({ product, version })
  })

  it.each([
    ['10.11.19-MariaDB-0+deb12u1', 'Debian 12', 'MariaDB', '10.11.19'],
    ['5.5.5-10.6.12-MariaDB-log', 'MariaDB Server', 'MariaDB', '10.6.12'],
    ['8.4.3', 'MySQL Community Server - GPL', 'MySQL', '8.4.3'],
    ['8.0.11-TiDB-v7.5.1', 'TiDB Server (Apache License 2.0)', 'TiDB', '7.5.1'],
    ['8.0.30-Vitess', 'Version: 18.0.2', 'Vitess', '8.0.30'],
    ['8.0.mysql_aurora.3.05.2', 'Source distribution', 'Aurora MySQL', '3.05.2'],
  ])('%s (%s)', (versionString, comment, product, version) => {
    expect(detectMysqlProduct(versionString, comment)).toMatchObject({ product, version })
  })

  it('notes what differs from the stock product', () => {
    expect(detectPostgresProduct('CockroachDB CCL v23.1.11 (x86_64)').notes.join(' ')).toMatch(
      /advisory locks/,
    )
    expect(detectMysqlProduct('8.0.11-TiDB-v7.5.1').notes.join(' ')).toMatch(/transaction size/)
    expect(detectMysqlProduct('8.4.3').notes).toEqual([])
  })
})
