import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

/** Account-level CRM data served by /accountData, cached per CRM account. */
export class AccountData1763700007000 implements MigrationInterface {
  name = 'AccountData1763700007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'account_data',
        columns: [
          c.id(),
          c.string('platform', { length: '64' }),
          c.string('accountKey'),
          c.string('dataKey', { length: '64' }),
          c.text('value'),
          c.timestamp('expiresAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [{ name: 'UQ_account_data_key', columnNames: ['platform', 'accountKey', 'dataKey'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_data');
  }
}
