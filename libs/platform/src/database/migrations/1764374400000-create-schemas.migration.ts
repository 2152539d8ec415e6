import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One schema per concern; each lib's own migrations add its tables. */
export class CreateSchemas1764374400000 implements MigrationInterface {
  name = 'CreateSchemas1764374400000';

  async up(runner: QueryRunner): Promise<void> {
    for (const schema of PLATFORM_SCHEMAS) {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const schema of [...PLATFORM_SCHEMAS].reverse()) {
      await runner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }
}

/** es: event store; crypto: keys; analytics: BI read models; compliance: audit and certificates; app: the rest. */
export const PLATFORM_SCHEMAS = ['es', 'crypto', 'analytics', 'compliance', 'app'] as const;
