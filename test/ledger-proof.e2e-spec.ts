import { runCli } from '@app/testing';

/**
 * Runs last (libs/testing/src/proof-last.sequencer.js): `npm run cli -- consent:verify` over
 * everything the whole suite wrote (concurrent writes, merges, late and superseded changes) must
 * find the state equal to a replay of the ledger.
 */
describe('consent:verify after the whole suite', () => {
  it('replays every ledger to the stored state', async () => {
    const result = await runCli(['consent:verify']);
    expect(result.stdout).toMatch(/state equals the ledger/);
    expect(result.code).toBe(0);
  }, 60000);
});
