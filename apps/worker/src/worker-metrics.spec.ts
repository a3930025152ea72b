import { WorkerMetrics } from './worker-metrics';

describe('worker metrics on a fresh worker', () => {
  it('lists every attempt outcome and every delivery state at 0 before anything happened', async () => {
    const text = await new WorkerMetrics().registry.metrics();
    for (const outcome of ['delivered', 'retry', 'failed']) {
      expect(text).toContain(`optline_webhook_attempts_total{outcome="${outcome}"} 0`);
    }
    for (const state of ['PENDING', 'HELD', 'IN_FLIGHT']) expect(text).toContain(`optline_deliveries{state="${state}"} 0`);
    expect(text).toContain('optline_events_delivered_total 0');
  });

  it('keeps a state at 0 when a scrape finds no delivery in it', async () => {
    const metrics = new WorkerMetrics();
    metrics.setDeliveriesByState({ PENDING: 3, HELD: 2 });
    metrics.setDeliveriesByState({ PENDING: 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('optline_deliveries{state="PENDING"} 1');
    expect(text).toContain('optline_deliveries{state="HELD"} 0');
    expect(text).toContain('optline_deliveries{state="IN_FLIGHT"} 0');
  });
});
