import { KeyringRotations } from '@app/compliance';
import type { RotationStatus } from '@app/crypto-shredding';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';
import { type ActorOptions, actorOf, complianceModules } from './compliance-context';

type RotateOptions = ActorOptions;

@SubCommand({
  name: 'rotate',
  description: 'run a keyring rotation to the end, or resume one a stopped runner left (progress on stderr); prints the rotation id and the retired KEK versions',
})
export class KeyringRotateCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(_: string[], options: RotateOptions): Promise<void> {
    const actor = actorOf(options);
    // The route's code path (KeyringRotations): the customer list as the blind index's re-index
    // source, the keyring.rotated audit entry, irrecoverability attested when versions retire.
    const done = await withAppContext(this.config, complianceModules(this.config), async (app) => {
      const rotations = app.get(KeyringRotations);
      const view = await this.withProgress(async (onProgress) => {
        const { rotationId } = await rotations.start(actor, { onProgress });
        await rotations.settled();
        return (await rotations.status(rotationId))!;
      });
      if (view.phase !== 'done') throw new Error(`rotation ${view.rotationId} stopped in phase ${view.phase} (the log says why); run the command again to resume it`);
      return view;
    });
    const retired = done.retiredVersions.length > 0 ? done.retiredVersions.join(', ') : 'none';
    process.stdout.write(`rotation ${done.rotationId} done: KEK version ${done.kekVersion}, retired KEK versions ${retired}\n`);
  }

  private async withProgress<T>(run: (onProgress: (status: RotationStatus) => void) => Promise<T>): Promise<T> {
    const bar = new SingleBar({ format: 'keyring rotation [{bar}] {percentage}% | {value}/{total} keys re-wrapped | {phase}', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 });
    let started = false;
    try {
      return await run((status) => {
        const total = Math.max(status.keysTotal, status.keysRewrapped, 1);
        if (!started) {
          bar.start(total, status.keysRewrapped, { phase: status.phase });
          started = true;
        }
        bar.setTotal(total);
        bar.update(status.phase === 'done' ? total : status.keysRewrapped, { phase: status.phase });
      });
    } finally {
      if (started) bar.stop();
    }
  }

  @Option({ flags: '--actor <id>', description: 'who runs it, an opaque id (kept as the rotation\'s requester)' })
  parseActor(value: string): string {
    return value;
  }
}

@Command({ name: 'keyring', description: 'keyring operations', subCommands: [KeyringRotateCommand] })
export class KeyringCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("keyring needs a subcommand: 'rotate'");
  }
}
