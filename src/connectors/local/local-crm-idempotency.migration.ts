import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/** Local CRM activities carry the idempotency key of the write that created them, as a real CRM record would. */
export class LocalCrmIdempotency1763700004100 implements MigrationInterface {
  name = 'LocalCrmIdempotency1763700004100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'local_crm_activities',
      new TableColumn({ name: 'idempotencyKey', type: 'varchar', length: '64', isNullable: true }),
    );
    await queryRunner.createIndex(
      'local_crm_activities',
      new TableIndex({ name: 'IDX_local_crm_activities_idempotency', columnNames: ['ownerId', 'idempotencyKey'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('local_crm_activities', 'IDX_local_crm_activities_idempotency');
    await queryRunner.dropColumn('local_crm_activities', 'idempotencyKey');
  }
}
