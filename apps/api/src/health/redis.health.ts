import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';

/** Redis is ready when the queue connection answers PING within a second. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @InjectQueue(QueueName.EVENTS) private readonly queue: Queue,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'redis') {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      // The client itself is inside the race: with Redis away since start, it never resolves.
      await Promise.race([
        this.queue.getBackend().client.then((client) => client.get('optline:health-probe')),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('PING timed out')), 1000);
        }),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
