import { assertControllerScope } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { controllerDecider } from '../../../domain/controller.decider';
import { streams } from '../../../domain/events';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { StreamDecisions } from '../../stream-decisions';
import { RegisterControllerCommand } from './register-controller.command';

@CommandHandler(RegisterControllerCommand)
export class RegisterControllerHandler implements ICommandHandler<RegisterControllerCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, controllerId, name }: RegisterControllerCommand) {
    assertControllerScope(request.principal, controllerId);
    return this.executor.execute(request, async (tx) => {
      const command = { type: 'RegisterController' as const, controllerId, name, now: this.clock.now().toISOString() };
      const { result } = await this.decisions.decide(tx, controllerDecider, streams.controller(controllerId), command, { actor: request.principal.subject, correlationId: request.correlationId });
      return { status: 201, body: { id: controllerId, position: result.positions.at(-1)! } };
    });
  }
}
