import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueuesModule } from '@app/queues';
import { Module } from '@nestjs/common';
import { WorkerHealth } from './worker-health';

/** The worker: consumes the queues; never serves the public API. */
@Module({
  imports: [AppConfigModule, DatabaseModule, QueuesModule],
  providers: [WorkerHealth],
  exports: [WorkerHealth],
})
export class WorkerModule {}
