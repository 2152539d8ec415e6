import { type HoldTarget, LegalHolds } from '@app/compliance';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';
import { type ActorOptions, actorOf, cliRequest, complianceModules, GroundsCommand, groundsOf, type GroundsOptions, refusalLine } from './compliance-context';

function targetOf(kind: string, id: string): HoldTarget {
  if (kind === 'campaign') return { campaignId: id };
  if (kind === 'customer') return { customerId: id };
  throw new Error(`a legal hold is on a campaign or a customer, not ${JSON.stringify(String(kind).slice(0, 64))}`);
}

const inContext = <T>(config: AppConfig, work: (holds: LegalHolds) => Promise<T>): Promise<T> =>
  withAppContext(config, complianceModules(config), (app) => work(app.get(LegalHolds))).catch((error: unknown) => {
    throw refusalLine(error);
  });

@SubCommand({ name: 'place', arguments: '<campaign|customer> <id>', description: 'place (or replace) a legal hold; prints the hold and the log position' })
export class LegalHoldPlaceCommand extends GroundsCommand {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run([kind, id]: string[], options: GroundsOptions): Promise<void> {
    const target = targetOf(kind, id);
    const actor = actorOf(options);
    const grounds = groundsOf(options);
    const placed = await inContext(this.config, (holds) => holds.place(cliRequest(actor, `legal-hold place ${kind} ${id}`, grounds), target, grounds));
    const { reasonCode, reference, placedAt } = placed.legalHold;
    process.stdout.write(`legal hold placed on ${kind} ${id}: ${reasonCode}${reference ? ` ${reference}` : ''} since ${placedAt}, position ${placed.position}\n`);
  }
}

@SubCommand({ name: 'release', arguments: '<campaign|customer> <id>', description: 'release the legal hold in place; prints the log position' })
export class LegalHoldReleaseCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run([kind, id]: string[], options: ActorOptions): Promise<void> {
    const target = targetOf(kind, id);
    const actor = actorOf(options);
    const released = await inContext(this.config, (holds) => holds.release(cliRequest(actor, `legal-hold release ${kind} ${id}`, {}), target));
    process.stdout.write(`legal hold released on ${kind} ${id}, position ${released.position}\n`);
  }

  @Option({ flags: '--actor <id>', description: 'who runs it, an opaque id; kept in the audit log' })
  parseActor(value: string): string {
    return value;
  }
}

@Command({ name: 'legal-hold', description: 'place and release legal holds on campaigns and customers', subCommands: [LegalHoldPlaceCommand, LegalHoldReleaseCommand] })
export class LegalHoldCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("legal-hold needs a subcommand: 'place campaign|customer <id>' or 'release campaign|customer <id>'");
  }
}
