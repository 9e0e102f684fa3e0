import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

export class ContactCache1763700003000 implements MigrationInterface {
  name = 'ContactCache1763700003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'contact_cache',
        columns: [
          c.id(),
          c.string('userId'),
          c.string('phoneNumber', { length: '64' }),
          c.text('contacts'),
          c.timestamp('expiresAt'),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [{ name: 'UQ_contact_cache_number', columnNames: ['userId', 'phoneNumber'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('contact_cache');
  }
}
