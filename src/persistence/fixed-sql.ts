import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * Fixed SQL for the few queries every logging request runs. Repository.find/insert/
 * update rebuild the statement through the QueryBuilder on every call (aliases,
 * property-name rewriting by regular expression, entity transformation), which cost
 * more CPU than the database work itself and about a fifth of everything a request
 * allocates. Here the statement text is written once per repository; per call only
 * the :named parameters change, and TypeORM's driver still turns them into each
 * database's placeholders, and its column metadata still converts values both ways
 * (simple-json, dates), so rows come back exactly as find() would return them.
 *
 * Identifiers are the entities' database names, double-quoted, which SQLite and
 * PostgreSQL read alike; tables are unqualified (PostgreSQL finds them through the
 * connection's search_path). Parameters must not be numbers: see the SQLite note in
 * data-source-options.ts.
 */
export class FixedSql<E extends ObjectLiteral> {
  /** The table name, quoted. */
  readonly table: string;
  /** Every column, quoted, for SELECT lists. */
  readonly allColumns: string;
  private readonly byProperty: Map<string, ColumnMetadata>;

  constructor(private readonly repository: Repository<E>) {
    const { metadata } = repository;
    this.table = quote(metadata.tableName);
    this.allColumns = metadata.columns.map((column) => quote(column.databaseName)).join(', ');
    this.byProperty = new Map(metadata.columns.map((column) => [column.propertyName, column]));
  }

  /**
   * A FROM-list source that reads a :named parameter holding a JSON object as rows of
   * text columns "key" and "value": one statement text for any number of entries.
   */
  jsonObjectRows(parameter: string): string {
    const postgres = this.repository.manager.connection.options.type === 'postgres';
    return postgres ? `json_each_text(CAST(:${parameter} AS json))` : `json_each(:${parameter})`;
  }

  /** The quoted database name of an entity property. */
  column(property: keyof E & string): string {
    return quote(this.columnOf(property).databaseName);
  }

  /** A property value as the database stores it (e.g. simple-json becomes text). */
  persistent(property: keyof E & string, value: unknown): unknown {
    return this.repository.manager.connection.driver.preparePersistentValue(value, this.columnOf(property));
  }

  /** Runs a statement; `manager` is the lock scope's when there is one. */
  run(sql: string, parameters: ObjectLiteral, manager: EntityManager = this.repository.manager): Promise<unknown> {
    const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
    return manager.query(query, values);
  }

  /** Runs a SELECT and turns each row into an entity, as find() would. */
  async select(sql: string, parameters: ObjectLiteral, manager?: EntityManager): Promise<E[]> {
    const result = await this.run(sql, parameters, manager);
    // pg answers UPDATE/DELETE ... RETURNING through TypeORM as [rows, rowCount].
    const rows = (isRowsAndCount(result) ? result[0] : result) as Record<string, unknown>[];
    return rows.map((row) => this.hydrate(row));
  }

  private hydrate(row: Record<string, unknown>): E {
    const { driver } = this.repository.manager.connection;
    const entity = this.repository.create();
    for (const column of this.byProperty.values()) {
      if (column.databaseName in row) {
        (entity as ObjectLiteral)[column.propertyName] = driver.prepareHydratedValue(row[column.databaseName], column);
      }
    }
    return entity;
  }

  private columnOf(property: string): ColumnMetadata {
    const column = this.byProperty.get(property);
    if (!column) throw new Error(`${this.repository.metadata.name} has no column for property ${property}`);
    return column;
  }
}

function isRowsAndCount(result: unknown): result is [unknown[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
