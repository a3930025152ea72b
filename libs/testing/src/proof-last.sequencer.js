// Runs the ledger proof after every other test file, so it checks what the whole suite wrote.
const Sequencer = require('@jest/test-sequencer').default;

const PROOF = 'ledger-proof.e2e-spec.ts';

class ProofLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !t.path.endsWith(PROOF)), ...sorted.filter((t) => t.path.endsWith(PROOF))];
  }
}

module.exports = ProofLastSequencer;
