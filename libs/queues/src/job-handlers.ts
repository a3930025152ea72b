import { JobName, QUEUE_OF, QueueName } from './jobs';

/**
 * Fails at start-up when a job name routed to `queue` has no handler, or a handler is registered
 * for a job the queue never carries: a job that nobody handles would otherwise sit unnoticed.
 */
export function assertHandlers(queue: QueueName, handled: string[]): void {
  const expected = (Object.keys(QUEUE_OF) as JobName[]).filter((name) => QUEUE_OF[name] === queue);
  const missing = expected.filter((name) => !handled.includes(name));
  const stray = handled.filter((name) => !expected.includes(name as JobName));
  const twice = handled.filter((name, i) => handled.indexOf(name) !== i);
  if (missing.length || stray.length || twice.length) {
    throw new Error(
      `Queue ${queue}: ${[
        missing.length ? `no handler for ${missing.join(', ')}` : '',
        stray.length ? `handlers for jobs it never carries: ${stray.join(', ')}` : '',
        twice.length ? `two handlers for ${twice.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }
}
