import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

const SENT_COLUMNS = () => [
  new TableColumn({ name: 'sentSubject', type: 'text', isNullable: true }),
  new TableColumn({ name: 'sentBody', type: 'text', isNullable: true }),
];

/**
 * The subject and body of the last write the CRM accepted for a call log or a digest, as
 * the core handed them to the connector: the console shows what the CRM was sent without
 * asking the CRM. Rows written before this migration have none.
 */
export class SentBodies1763700009000 implements MigrationInterface {
  name = 'SentBodies1763700009000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('call_logs', SENT_COLUMNS());
    await queryRunner.addColumns('message_digests', SENT_COLUMNS());
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['call_logs', 'message_digests']) {
      await queryRunner.dropColumn(table, 'sentBody');
      await queryRunner.dropColumn(table, 'sentSubject');
    }
  }
}
