import { QueueName } from '@app/queues';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';

type RedisClient = Awaited<ReturnType<Queue['getBackend']>['client']>;

/** Redis is ready when the queue connection answers a read within a second. */
@Injectable()
export class RedisHealthIndicator {
  /**
   * The queue's client, once it has connected. Waited for once, here: with Redis away since start
   * its promise never resolves, and probes that each waited on it would pile up without bound.
   */
  private connected?: RedisClient;

  constructor(
    @InjectQueue(QueueName.EVENTS) queue: Queue,
    private readonly indicators: HealthIndicatorService,
  ) {
    queue.getBackend().client.then(
      (client) => (this.connected = client),
      () => undefined, // never connected: the probe says so
    );
  }

  async isHealthy(key = 'redis') {
    const indicator = this.indicators.check(key);
    if (!this.connected) return indicator.down({ message: 'not connected to Redis' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connected.get('optline:health-probe'),
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
