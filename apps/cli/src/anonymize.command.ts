import { type AnonymizationMode, Anonymizations } from '@app/compliance';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';
import { actorOf, cliRequest, complianceModules, GroundsCommand, groundsOf, type GroundsOptions, refusalLine } from './compliance-context';

interface AnonymizeOptions extends GroundsOptions {
  mode?: string;
  confirm?: string;
}

const MODES: readonly AnonymizationMode[] = ['standard', 'full'];

function modeOf(options: AnonymizeOptions): AnonymizationMode {
  if (options.mode === undefined) throw new Error('--mode standard|full is required');
  if (!(MODES as readonly string[]).includes(options.mode)) throw new Error(`--mode must be standard or full, not ${JSON.stringify(options.mode.slice(0, 64))}`);
  return options.mode as AnonymizationMode;
}

/** The options both subcommands share (nest-commander reads them from each class's decorators). */
abstract class AnonymizeRunner extends GroundsCommand {
  constructor(protected readonly config: AppConfig) {
    super();
  }

  @Option({ flags: '--mode <mode>', description: 'standard (content keys) or full (content and reference keys)' })
  parseMode(value: string): string {
    return value;
  }

  /** Prints the certificate id: the same service and transaction as the route. */
  protected async certify(run: (anonymizations: Anonymizations) => Promise<{ certificate: { certificateId: string } }>): Promise<void> {
    const { certificate } = await withAppContext(this.config, complianceModules(this.config), (app) => run(app.get(Anonymizations))).catch((error: unknown) => {
      throw refusalLine(error);
    });
    process.stdout.write(`${certificate.certificateId}\n`);
  }
}

@SubCommand({ name: 'campaign', arguments: '<campaignId>', description: "anonymize every customer of a campaign (--confirm takes the campaign's name); prints the certificate id" })
export class AnonymizeCampaignCommand extends AnonymizeRunner {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config);
  }

  async run([campaignId]: string[], options: AnonymizeOptions): Promise<void> {
    const actor = actorOf(options);
    if (options.confirm === undefined) throw new Error("--confirm <campaign name> is required: type the campaign's name to anonymize it");
    const input = { mode: modeOf(options), ...groundsOf(options), confirm: options.confirm };
    await this.certify((a) => a.anonymizeCampaign(cliRequest(actor, `anonymize campaign ${campaignId}`, input), campaignId, input));
  }

  @Option({ flags: '--confirm <name>', description: "the campaign's name, typed out (else nothing changes)" })
  parseConfirm(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'customer', arguments: '<customerId>', description: 'anonymize one customer; prints the certificate id' })
export class AnonymizeCustomerCommand extends AnonymizeRunner {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config);
  }

  async run([customerId]: string[], options: AnonymizeOptions): Promise<void> {
    const actor = actorOf(options);
    const input = { mode: modeOf(options), ...groundsOf(options) };
    await this.certify((a) => a.anonymizeCustomer(cliRequest(actor, `anonymize customer ${customerId}`, input), customerId, input));
  }
}

@Command({ name: 'anonymize', description: 'anonymize a campaign or a customer, irreversibly, with a certificate', subCommands: [AnonymizeCampaignCommand, AnonymizeCustomerCommand] })
export class AnonymizeCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("anonymize needs a subcommand: 'campaign <id>' or 'customer <id>'");
  }
}
