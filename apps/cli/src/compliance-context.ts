import { randomUUID } from 'node:crypto';
import { type CommandRequest, DomainError } from '@app/campaigns';
import { ACTOR_PATTERN, ComplianceServicesModule, type Grounds, isReasonCode, isReference, REASON_CODES, REFERENCE_PATTERN } from '@app/compliance';
import { CryptoShreddingModule, cryptoShreddingOptions } from '@app/crypto-shredding';
import { EventStoreModule, SealedEventStoreModule } from '@app/event-store';
import { ALL_CONTROLLERS, type AppConfig } from '@app/platform';
import type { DynamicModule, Type } from '@nestjs/common';
import { CommandRunner, Option } from 'nest-commander';

/** What the compliance services need, in the api's order (the event log's restore check before the keyring). */
export const complianceModules = (config: AppConfig): (Type | DynamicModule)[] => [
  EventStoreModule.forRoot(),
  CryptoShreddingModule.forRoot(cryptoShreddingOptions(config)),
  SealedEventStoreModule.forRoot(),
  ComplianceServicesModule,
];

export interface ActorOptions {
  actor?: string;
}

export interface GroundsOptions extends ActorOptions {
  reason?: string;
  reference?: string;
}

const quoted = (value: string) => JSON.stringify(value.slice(0, 64));

/** The operator, as the routes' token subject: an opaque id (never an e-mail or a name). */
export function actorOf(options: ActorOptions): string {
  if (options.actor === undefined) throw new Error('--actor <opaque id> is required: the audit log names who ran the command');
  if (!ACTOR_PATTERN.test(options.actor)) throw new Error("--actor must be an opaque id (letters, digits and . _ : | / -, up to 128; no '@' or spaces)");
  return options.actor;
}

export function groundsOf(options: GroundsOptions): Grounds {
  if (options.reason === undefined) throw new Error(`--reason <code> is required (${REASON_CODES.join(', ')})`);
  if (!isReasonCode(options.reason)) throw new Error(`--reason must be one of ${REASON_CODES.join(', ')}, not ${quoted(options.reason)}`);
  if (options.reference !== undefined && !isReference(options.reference)) throw new Error(`--reference must match ${REFERENCE_PATTERN.source} (a ticket or case id)`);
  return { reasonCode: options.reason, reference: options.reference ?? null };
}

/**
 * The request the routes build from a token, for an operator at the console: the compliance role
 * over every controller (who runs the CLI has the database and the keyring already). No
 * Idempotency-Key: a command cut off before its commit left nothing and is simply run again.
 */
export function cliRequest(actor: string, route: string, body: unknown): CommandRequest {
  return { principal: { subject: actor, roles: ['compliance'], controllers: [ALL_CONTROLLERS] }, route: `CLI ${route}`, body, correlationId: randomUUID() };
}

/** A domain refusal as one line: its code, then its message (which names fields and codes, never values). */
export function refusalLine(error: unknown): unknown {
  return error instanceof DomainError ? new Error(`${error.code}: ${error.message}`) : error;
}

/**
 * A compliance command that acts on grounds: `--reason`, `--reference` and `--actor` (nest-commander
 * reads options from the decorators of the class and its bases).
 */
export abstract class GroundsCommand extends CommandRunner {
  @Option({ flags: '--reason <code>', description: `reason code: ${REASON_CODES.join(', ')}` })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--reference <ticket>', description: `a ticket or case id (${REFERENCE_PATTERN.source})` })
  parseReference(value: string): string {
    return value;
  }

  @Option({ flags: '--actor <id>', description: 'who runs it, an opaque id (never an e-mail or a name); kept in the audit log' })
  parseActor(value: string): string {
    return value;
  }
}
