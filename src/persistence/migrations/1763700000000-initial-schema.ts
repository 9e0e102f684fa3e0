import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          c.string('id', { isPrimary: true }),
          c.string('platform', { length: '64' }),
          c.string('crmUserId'),
          c.string('name'),
          c.string('hostname', { isNullable: true }),
          c.string('timezone', { length: '64', default: "'UTC'" }),
          c.text('credentials', { isNullable: true }),
          c.integer('sessionVersion', { default: 1 }),
          c.text('platformAdditionalInfo', { isNullable: true }),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_logs',
        columns: [
          c.id(),
          c.string('userId'),
          c.string('sessionId'),
          c.string('extensionKey', { default: "''" }),
          c.string('thirdPartyLogId', { isNullable: true }),
          c.string('contactId', { isNullable: true }),
          c.text('details', { isNullable: true }),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [
          {
            name: 'UQ_call_logs_session',
            columnNames: ['userId', 'sessionId', 'extensionKey'],
            isUnique: true,
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'message_logs',
        columns: [
          c.id(),
          c.string('platform', { length: '64' }),
          c.string('userId'),
          c.string('messageId'),
          c.string('conversationId'),
          c.string('digestKey'),
          c.string('thirdPartyLogId'),
          c.timestamp('createdAt'),
        ],
        indices: [
          { name: 'UQ_message_logs_message', columnNames: ['userId', 'messageId'], isUnique: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'message_digests',
        columns: [
          c.id(),
          c.string('userId'),
          c.string('digestKey'),
          c.string('conversationId'),
          c.string('contactId', { isNullable: true }),
          c.string('logDate', { length: '10', isNullable: true }),
          c.string('thirdPartyLogId'),
          c.text('entries'),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'UQ_message_digests_key', columnNames: ['userId', 'digestKey'], isUnique: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['message_digests', 'message_logs', 'call_logs', 'users']) {
      await queryRunner.dropTable(table);
    }
  }
}
