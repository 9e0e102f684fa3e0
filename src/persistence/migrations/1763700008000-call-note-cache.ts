import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columns } from './column-types.js';

/** Notes cached for server-side call logging (POST /callLog/cacheNote). */
export class CallNoteCache1763700008000 implements MigrationInterface {
  name = 'CallNoteCache1763700008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = columns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'call_note_cache',
        columns: [c.id(), c.string('userId'), c.string('sessionId'), c.text('note'), c.timestamp('expiresAt')],
        indices: [
          { name: 'UQ_call_note_cache_session', columnNames: ['userId', 'sessionId'], isUnique: true },
          { name: 'IDX_call_note_cache_expiry', columnNames: ['expiresAt'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('call_note_cache');
  }
}
