import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders that pick the right SQL type for the running driver, so one
 * migration file serves SQLite and PostgreSQL.
 */
export function columns(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.options.type === 'postgres';
  return {
    id: (): TableColumnOptions => ({
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    string: (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: '255',
      ...options,
    }),
    text: (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'text',
      ...options,
    }),
    integer: (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'integer',
      ...options,
    }),
    timestamp: (name: string): TableColumnOptions => ({
      name,
      // timestamptz: instances in different zones read the same instant back.
      type: postgres ? 'timestamptz' : 'datetime',
      default: postgres ? 'now()' : "(datetime('now'))",
    }),
  };
}
