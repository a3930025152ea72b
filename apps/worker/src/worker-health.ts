import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

export interface ReadinessReport {
  status: 'ok' | 'error';
  postgres: 'up' | 'down';
  redis: 'up' | 'down';
}

const withTimeout = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/** Readiness of the worker's two dependencies, for its health server and for compose. */
@Injectable()
export class WorkerHealth {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.EVENTS) private readonly events: Queue,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const postgres = await withTimeout(this.dataSource.query('SELECT 1'), 1000).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const redis = await withTimeout(
      this.events.getBackend().client.then((c) => c.get('optline:health-probe')),
      1000,
    ).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    return { status: postgres === 'up' && redis === 'up' ? 'ok' : 'error', postgres, redis };
  }
}
