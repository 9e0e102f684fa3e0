import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from '../../persistence/migrations/column-types.js';

export class LocalCrmSchema1763700000100 implements MigrationInterface {
  name = 'LocalCrmSchema1763700000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'local_crm_contacts',
        columns: [
          c.id(),
          c.string('name'),
          c.string('phoneNumber', { length: '64' }),
          c.string('phoneE164', { length: '32', isNullable: true }),
          c.string('type', { length: '32', default: "'Contact'" }),
          c.string('company', { isNullable: true }),
          c.string('email', { isNullable: true }),
          c.timestamp('createdAt'),
        ],
        indices: [{ name: 'IDX_local_crm_contacts_phone', columnNames: ['phoneE164'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'local_crm_activities',
        columns: [
          c.id(),
          c.string('kind', { length: '16' }),
          c.string('ownerId', { length: '64' }),
          c.string('contactId', { length: '64', isNullable: true }),
          c.string('subject', { length: '512' }),
          c.text('body'),
          c.text('details', { isNullable: true }),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [{ name: 'IDX_local_crm_activities_owner', columnNames: ['ownerId'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('local_crm_activities');
    await queryRunner.dropTable('local_crm_contacts');
  }
}
