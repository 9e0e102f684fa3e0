import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columns } from './column-types.js';

/** User settings (a row per setting), account admin settings, and the user's RingCentral account. */
export class Settings1763700005000 implements MigrationInterface {
  name = 'Settings1763700005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.addColumn('users', new TableColumn(c.string('rcAccountId', { length: '64', isNullable: true })));
    await queryRunner.createTable(
      new Table({
        name: 'user_settings',
        columns: [c.id(), c.string('userId'), c.string('settingKey'), c.text('setting'), c.timestamp('updatedAt')],
        indices: [{ name: 'UQ_user_settings_key', columnNames: ['userId', 'settingKey'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'admin_settings',
        columns: [
          c.string('accountId', { length: '64', isPrimary: true }),
          c.text('settings'),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('admin_settings');
    await queryRunner.dropTable('user_settings');
    await queryRunner.dropColumn('users', 'rcAccountId');
  }
}
