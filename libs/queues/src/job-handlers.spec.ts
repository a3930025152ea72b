import { assertHandlers } from './job-handlers';
import { JobName, QueueName } from './jobs';

describe('assertHandlers', () => {
  it('accepts exactly the jobs a queue carries', () => {
    expect(() => assertHandlers(QueueName.DELIVERIES, [JobName.FLUSH])).not.toThrow();
    expect(() => assertHandlers(QueueName.EVENTS, [JobName.FAN_OUT, JobName.SUBSCRIPTION_CHANGED])).not.toThrow();
  });

  it('refuses a missing, stray or doubled handler', () => {
    expect(() => assertHandlers(QueueName.EVENTS, [JobName.FAN_OUT])).toThrow(/no handler for subscription-changed/);
    expect(() => assertHandlers(QueueName.DELIVERIES, [JobName.FLUSH, JobName.FAN_OUT])).toThrow(/never carries: fan-out/);
    expect(() => assertHandlers(QueueName.DELIVERIES, [JobName.FLUSH, JobName.FLUSH])).toThrow(/two handlers for flush/);
  });
});
