import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A fresh, uniquely named schema of a PostgreSQL database, and how to drop it afterwards. */
export function scratchSchema(url: string, prefix: string): { schema: string; drop(): Promise<void> } {
  const schema = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return {
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
