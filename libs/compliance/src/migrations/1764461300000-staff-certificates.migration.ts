import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A seller's erasure concerns no controller (sellers are the agency's staff): its certificate has
 * no controller, and only tokens for every controller read it. The write-once trigger compares
 * controller_id with IS NOT DISTINCT FROM, so a null stays null.
 */
export class StaffCertificates1764461300000 implements MigrationInterface {
  name = 'StaffCertificates1764461300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE compliance.certificates ALTER COLUMN controller_id DROP NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE compliance.certificates ALTER COLUMN controller_id SET NOT NULL`);
  }
}
