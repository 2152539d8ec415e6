import { AuditLog, ComplianceRecordsModule } from '@app/compliance';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';

@SubCommand({ name: 'verify', description: 'walk the whole audit chain; prints its head, or the first broken link (exit 1)' })
export class AuditVerifyCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(): Promise<void> {
    // The records module needs the keyring (certificates), so the crypto module comes with it.
    const verdict = await withAppContext(this.config, [CryptoShreddingModule.forRoot(cryptoShreddingOptions(this.config)), ComplianceRecordsModule], (app) => app.get(AuditLog).verify());
    if (verdict.ok) {
      process.stdout.write(`ok: ${verdict.entries} entries, head ${verdict.head ? `${verdict.head.seq} ${verdict.head.hash}` : 'none'}\n`);
    } else {
      process.stdout.write(`broken at seq ${verdict.brokenAt}: ${verdict.reason}\n`);
      process.exitCode = 1;
    }
  }
}

@Command({ name: 'audit', description: 'the compliance audit log', subCommands: [AuditVerifyCommand] })
export class AuditCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("audit needs a subcommand: 'verify'");
  }
}
