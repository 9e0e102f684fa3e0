import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

export class PendingWrites1763700004000 implements MigrationInterface {
  name = 'PendingWrites1763700004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'pending_writes',
        columns: [
          c.id(),
          c.string('writeKey', { length: '64' }),
          c.string('userId'),
          c.string('targetKey', { length: '512' }),
          c.string('kind', { length: '32' }),
          c.string('state', { length: '16', default: "'pending'" }),
          c.integer('attempts', { default: 0 }),
          c.integer('outcomeUnknown', { default: 0 }),
          c.string('recordedAt', { length: '32' }),
          c.string('nextAttemptAt', { length: '32' }),
          c.string('leaseUntil', { length: '32', isNullable: true }),
          c.text('payload'),
          c.text('lastError', { isNullable: true }),
          c.timestamp('createdAt'),
          c.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'UQ_pending_writes_key', columnNames: ['writeKey'], isUnique: true },
          { name: 'IDX_pending_writes_target', columnNames: ['userId', 'targetKey'] },
          { name: 'IDX_pending_writes_due', columnNames: ['state', 'nextAttemptAt'] },
          // At most one write per target is at the CRM, whichever instance claimed it: the
          // database, not timing, keeps two creates of one digest from racing.
          {
            name: 'UQ_pending_writes_delivering',
            columnNames: ['userId', 'targetKey'],
            isUnique: true,
            where: `"state" = 'delivering'`,
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('pending_writes');
  }
}
