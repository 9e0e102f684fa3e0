import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

/** The users' call-back lists. */
export class Calldown1763700006000 implements MigrationInterface {
  name = 'Calldown1763700006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    const postgres = queryRunner.connection.options.type === 'postgres';
    const instant = (name: string) => ({ name, type: postgres ? 'timestamptz' : 'datetime', isNullable: true });
    await queryRunner.createTable(
      new Table({
        name: 'calldown_entries',
        columns: [
          c.string('id', { length: '36', isPrimary: true }),
          c.string('userId'),
          c.string('contactId', { isNullable: true }),
          c.string('contactType', { length: '64', isNullable: true }),
          c.string('contactName', { isNullable: true }),
          c.string('phoneNumber', { length: '64', isNullable: true }),
          c.text('note', { isNullable: true }),
          c.string('status', { length: '32' }),
          instant('scheduledAt'),
          instant('lastCallAt'),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [{ name: 'IDX_calldown_user_schedule', columnNames: ['userId', 'scheduledAt'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('calldown_entries');
  }
}
