import { type AppConfig, AppConfigModule } from '@app/platform';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import { AnonymizeCampaignCommand, AnonymizeCommand, AnonymizeCustomerCommand } from './anonymize.command';
import { AuditCommand, AuditVerifyCommand } from './audit.command';
import { CertificateCommand, CertificateVerifyCommand } from './certificate.command';
import { KeyringCommand, KeyringRotateCommand } from './keyring.command';
import { LegalHoldCommand, LegalHoldPlaceCommand, LegalHoldReleaseCommand } from './legal-hold.command';
import { ProjectionsCommand, ProjectionsRebuildCommand, ProjectionsStatusCommand } from './projections.command';
import { TokenCommand } from './token.command';

export const PROGRAM = 'campaign-ledger';

const EXAMPLES = `
Examples:
  ${PROGRAM} token --role service --controller c1
  ${PROGRAM} token --seller s-17 --controller c1 --expires-in 30m
  TOKEN=$(npm run -s cli -- token --role analyst)
  ${PROGRAM} projections status
  ${PROGRAM} projections rebuild sales
  ${PROGRAM} anonymize campaign <id> --mode standard --reason purpose-fulfilled --actor officer-7 --confirm "Spring broadband"
  ${PROGRAM} legal-hold place customer <id> --reason legal-obligation --reference CASE-17 --actor officer-7
  ${PROGRAM} certificate verify certificate.json --key public-key.pem
  ${PROGRAM} audit verify
  ${PROGRAM} keyring rotate --actor officer-7

From the repository, run it as 'npm run cli -- <command>'. Every error is one line on stderr
and exit code 1.`;

/** The commander root program: its name (else the script's, "main") and the help around the commands. */
@Injectable()
class Program {
  constructor(@InjectCommander() program: { name(name: string): unknown; description(text: string): unknown; addHelpText(position: 'after', text: string): unknown }) {
    program.name(PROGRAM);
    program.description('Command-line tools of the campaign ledger.');
    program.addHelpText('after', EXAMPLES);
  }
}

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(config)],
      providers: [
        Program,
        TokenCommand,
        ProjectionsCommand,
        ProjectionsStatusCommand,
        ProjectionsRebuildCommand,
        AnonymizeCommand,
        AnonymizeCampaignCommand,
        AnonymizeCustomerCommand,
        LegalHoldCommand,
        LegalHoldPlaceCommand,
        LegalHoldReleaseCommand,
        CertificateCommand,
        CertificateVerifyCommand,
        AuditCommand,
        AuditVerifyCommand,
        KeyringCommand,
        KeyringRotateCommand,
      ],
    };
  }
}
