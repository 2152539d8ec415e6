import { Module } from '@nestjs/common';

/** Projections and schedulers run here; the host is empty until the first projection exists. */
@Module({})
export class WorkerModule {}
