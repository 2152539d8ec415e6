import { KeyringRotation, RotationInProgress, type RotationStatus } from '@app/crypto-shredding';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { DataSource } from 'typeorm';
import { withAppContext } from './app-context';
import { type ActorOptions, actorOf, complianceModules } from './compliance-context';

interface RotateOptions extends ActorOptions {
  resume?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the rotation cannot do yet: re-index customers' blind-index rows under the new index key
 * takes a ReindexSource (their identifiers, opened with their keys), and none exists in the code
 * base yet. Refused before anything starts, so no rotation is left half-way.
 */
const NO_REINDEX_SOURCE = (rows: number) =>
  `${rows} blind-index rows would need re-indexing under the new index key, and no re-index source exists yet ` +
  '(a ReindexSource from @app/crypto-shredding that yields the live customers\' identifiers); the rotation was not started';

@SubCommand({ name: 'rotate', description: 'run a keyring rotation to the end (progress on stderr); prints the rotation id and the retired KEK versions' })
export class KeyringRotateCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(_: string[], options: RotateOptions): Promise<void> {
    const actor = actorOf(options);
    if (options.resume !== undefined && !UUID.test(options.resume)) throw new Error('--resume takes a rotation id (a UUID)');
    // ComplianceServicesModule brings ComplianceRecordsModule: its observer attests irrecoverability when versions retire.
    const done = await withAppContext(this.config, complianceModules(this.config), async (app) => {
      const rotation = app.get(KeyringRotation);
      const [{ rows }]: { rows: number }[] = await app.get(DataSource).query(`SELECT count(*)::int AS rows FROM crypto.blind_index`);
      if (rows > 0) throw new Error(NO_REINDEX_SOURCE(rows));
      let rotationId = options.resume;
      if (rotationId === undefined) {
        try {
          rotationId = await rotation.start(actor);
        } catch (error) {
          if (error instanceof RotationInProgress) throw new Error(`${error.message}: wait for it, or, if its runner stopped, continue it with --resume <rotation id>`, { cause: error });
          throw error;
        }
      } else if (!(await rotation.status(rotationId))) {
        throw new Error(`no rotation ${rotationId}`);
      }
      return this.withProgress((onProgress) => rotation.run(rotationId, { onProgress }));
    });
    const retired = done.retiredVersions.length > 0 ? done.retiredVersions.join(', ') : 'none';
    process.stdout.write(`rotation ${done.rotationId} done: KEK version ${done.kekVersion}, retired KEK versions ${retired}\n`);
  }

  private async withProgress(run: (onProgress: (status: RotationStatus) => void) => Promise<RotationStatus>): Promise<RotationStatus> {
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

  @Option({ flags: '--resume <rotationId>', description: 'continue a rotation whose runner stopped' })
  parseResume(value: string): string {
    return value;
  }
}

@Command({ name: 'keyring', description: 'keyring operations', subCommands: [KeyringRotateCommand] })
export class KeyringCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("keyring needs a subcommand: 'rotate'");
  }
}
