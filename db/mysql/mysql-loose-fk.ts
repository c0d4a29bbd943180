import { foreignKeyName } from '../../core/table-spec.js'
import type { LooseForeignKeySql } from '../loose-foreign-keys.js'
import { mysqlAdapter } from './mysql-adapter.js'

const q = mysqlAdapter.quote

/** MySQL and MariaDB have row triggers only: each deleted parent row inserts its queue entry. */
export const mysqlLooseForeignKeys: LooseForeignKeySql = {
  createQueue: (queue) => [
    `CREATE TABLE ${q(queue)} (id BIGINT AUTO_INCREMENT PRIMARY KEY, parent_table VARCHAR(64) NOT NULL, parent_key BIGINT NOT NULL, INDEX ${q(`${queue}_table`)} (parent_table, id)) ENGINE=InnoDB`,
  ],
  createTrigger: (queue, parent) => [
    `CREATE TRIGGER ${q(`${queue}_${parent.table}`)} AFTER DELETE ON ${q(parent.table)} FOR EACH ROW INSERT INTO ${q(queue)} (parent_table, parent_key) VALUES ('${parent.table}', OLD.${q(parent.column)})`,
  ],
  // The FK's index stays: InnoDB made it for the constraint, and DROP FOREIGN KEY leaves it.
  dropForeignKeys: (table, fks) =>
    fks.map(
      (fk) => `ALTER TABLE ${q(table.name)} DROP FOREIGN KEY ${q(foreignKeyName(table.name, fk.columns))}`,
    ),
}
