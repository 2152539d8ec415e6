import { PROJECTIONS, ProjectionOperationsModule, ProjectionRebuilder, ProjectionStatuses, type RebuildProgress } from '@app/analytics';
import { EventStoreModule } from '@app/event-store';
import { AppConfig } from '@app/platform';
import { Inject } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { withAppContext } from './app-context';

const names = PROJECTIONS.map((p) => p.name).join(', ');

@SubCommand({ name: 'status', description: "each projection's checkpoint and lag behind the log" })
export class ProjectionsStatusCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run(): Promise<void> {
    const statuses = await withAppContext(this.config, [EventStoreModule.forRoot(), ProjectionOperationsModule], (app) => app.get(ProjectionStatuses).all());
    const rows = statuses.map((s) => [s.name, s.status, String(s.lagEvents), `${s.lagSeconds.toFixed(1)} s`, s.position ?? '-']);
    const header = ['projection', 'status', 'lag events', 'lag', 'position'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  }
}

@SubCommand({
  name: 'rebuild',
  arguments: '<name>',
  description: `rebuild a projection from position 0 into shadow tables and swap them in atomically (${names})`,
})
export class ProjectionsRebuildCommand extends CommandRunner {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    if (!PROJECTIONS.some((p) => p.name === name)) throw new Error(`no projection named "${String(name).slice(0, 64)}"; projections are ${names}`);
    const bar = new SingleBar({ format: `${name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s`, stream: process.stderr, hideCursor: true, noTTYOutput: false });
    const started = Date.now();
    let barStarted = false;
    const onProgress = (progress: RebuildProgress) => {
      const rate = Math.round(progress.eventsRead / Math.max(0.001, (Date.now() - started) / 1000));
      if (!barStarted) {
        bar.start(Math.max(progress.eventsTotal, 1), progress.eventsRead, { rate });
        barStarted = true;
      }
      bar.setTotal(Math.max(progress.eventsTotal, progress.eventsRead, 1));
      bar.update(progress.eventsRead, { rate });
    };
    const result = await withAppContext(this.config, [EventStoreModule.forRoot(), ProjectionOperationsModule], (app) => app.get(ProjectionRebuilder).rebuild(name, onProgress));
    if (barStarted) bar.stop();
    const seconds = result.elapsedMs / 1000;
    process.stdout.write(`rebuilt ${name}: ${result.eventsApplied} events in ${seconds.toFixed(1)} s (${Math.round(result.eventsApplied / Math.max(seconds, 0.001))} events/s), swapped in at ${result.position ?? 'the start of the log'}\n`);
  }
}

@Command({
  name: 'projections',
  description: 'status and rebuild of the analytics projections',
  subCommands: [ProjectionsStatusCommand, ProjectionsRebuildCommand],
})
export class ProjectionsCommand extends CommandRunner {
  async run(): Promise<void> {
    throw new Error("projections needs a subcommand: 'status' or 'rebuild <name>'");
  }
}
