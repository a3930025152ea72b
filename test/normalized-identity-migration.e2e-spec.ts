import { respellStoredContacts, standaloneMergeService, verifyConsentLedger } from '@app/domain';
import { TestApi, TestOrg } from '@app/testing';

/**
 * The migration's normalization (the same function the migration runs) over rows written before
 * normalization existed: respelled in place, and two spellings of one key collapsed by the rules.
 */
describe('normalizing stored identifiers and consent addresses', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('norm-migration');
    // The org reads national numbers in RU, as the migration and consent:verify will.
    await api.dataSource.query("UPDATE orgs SET phone_region = 'RU' WHERE id = $1", [org.orgId]);
  });
  afterAll(() => api.close());

  const one = async (sql: string, params: unknown[]) => (await api.dataSource.query(sql, params))[0];

  async function oldStyleCustomer(identifiers: string[][]): Promise<{ customerId: string; profileId: string }> {
    const { id: customerId } = await one('INSERT INTO customers (org_id) VALUES ($1) RETURNING id', [org.orgId]);
    const { id: profileId } = await one(
      "INSERT INTO customer_profiles (org_id, customer_id, source) VALUES ($1, $2, 'INSTORE') RETURNING id",
      [org.orgId, customerId],
    );
    for (const [type, value] of identifiers) {
      await api.dataSource.query(
        "INSERT INTO customer_identifiers (org_id, customer_id, profile_id, source, type, value) VALUES ($1, $2, $3, 'INSTORE', $4, $5)",
        [org.orgId, customerId, profileId, type, value],
      );
    }
    return { customerId, profileId };
  }

  /** A record as it was written before changes carried a time: its ledger row (no occurred_at) and its state. */
  async function consent(customerId: string, channel: string, topic: string, address: string, status: string, writtenAt: string) {
    const { id: ledgerId } = await one(
      `INSERT INTO consent_ledger (org_id, customer_id, channel, topic, address, status, dialect, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'altcraft', $7) RETURNING id`,
      [org.orgId, customerId, channel, topic, address, status, writtenAt],
    );
    await api.dataSource.query(
      `INSERT INTO consents (org_id, customer_id, channel, topic, address, status, last_ledger_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [org.orgId, customerId, channel, topic, address, status, ledgerId, writtenAt],
    );
  }

  /** What the migration runs: respell, then merge the customers found to share an identifier. */
  const migrate = () =>
    api.dataSource.transaction((manager) =>
      respellStoredContacts(manager, standaloneMergeService(api.dataSource), { orgId: org.orgId, defaultRegion: 'RU' }),
    );
  const normalizeAll = async () => {
    const { customer_identifiers, consents } = (await migrate()).report;
    return { customer_identifiers, consents };
  };

  it('respells identifiers and addresses, keeps the oldest identifier, and lets the newest change (on a tie the opt-out) win', async () => {
    const { customerId } = await oldStyleCustomer([
      ['mobile', '+7 900 000-00-00'],
      ['mobile', '8 (900) 000-00-00'],
      ['email', ' Tom@Example.com'],
      ['externalId', 'Ext-1'],
    ]);
    // Newest change wins: the opt-in at 11:00 over the opt-out at 10:00.
    await consent(customerId, 'SMS', 'BULK', '79000000000', 'OPTOUT', '2025-01-01T10:00:00Z');
    await consent(customerId, 'SMS', 'BULK', '+7 900 000 00 00', 'OPTIN', '2025-01-01T11:00:00Z');
    // Equal times: the opt-out wins, whichever row came first.
    await consent(customerId, 'WHATSAPP', 'BULK', '8 900 000 00 00', 'OPTOUT', '2025-01-01T10:00:00Z');
    await consent(customerId, 'WHATSAPP', 'BULK', '+79000000000', 'OPTIN', '2025-01-01T10:00:00Z');
    await consent(customerId, 'EMAIL', 'BULK', 'Tom@Example.COM', 'OPTOUT', '2025-01-01T10:00:00Z');
    await consent(customerId, 'SMS', 'BULK', '', 'OPTOUT', '2025-01-01T10:00:00Z');

    const counts = await normalizeAll();
    expect(counts).toEqual({
      customer_identifiers: { respelled: 3, removed: 1 },
      consents: { respelled: 4, removed: 2 },
    });

    const identifiers = await api.dataSource.query('SELECT type, value FROM customer_identifiers WHERE customer_id = $1 ORDER BY id', [customerId]);
    expect(identifiers).toEqual([
      { type: 'mobile', value: '+79000000000' },
      { type: 'email', value: 'tom@example.com' },
      { type: 'externalId', value: 'Ext-1' },
    ]);
    const consents = await api.dataSource.query('SELECT channel, address, status FROM consents WHERE customer_id = $1 ORDER BY channel, address', [
      customerId,
    ]);
    expect(consents).toEqual([
      { channel: 'EMAIL', address: 'tom@example.com', status: 'OPTOUT' },
      { channel: 'SMS', address: '', status: 'OPTOUT' },
      { channel: 'SMS', address: '+79000000000', status: 'OPTIN' },
      { channel: 'WHATSAPP', address: '+79000000000', status: 'OPTOUT' },
    ]);
    // The ledger is not rewritten, yet it still replays to the collapsed state.
    expect((await verifyConsentLedger(api.dataSource, [org.orgId])).mismatches).toEqual([]);
  });

  it('is idempotent: a second run changes nothing', async () => {
    expect(await normalizeAll()).toEqual({
      customer_identifiers: { respelled: 0, removed: 0 },
      consents: { respelled: 0, removed: 0 },
    });
  });

  it('merges two customers that held two spellings of one number into the oldest, keeping the opt-out of either', async () => {
    const older = await oldStyleCustomer([['mobile', '+7 901 000 00 02']]);
    const newer = await oldStyleCustomer([['mobile', '8 901 000 00 02']]);
    await consent(newer.customerId, 'SMS', 'BULK', '', 'OPTOUT', '2025-01-01T10:00:00Z');
    const { report } = await migrate();
    expect(report.sharedIdentifiers).toEqual([{ orgId: org.orgId, customerIds: [Number(older.customerId), Number(newer.customerId)] }]);

    const holders = await api.dataSource.query("SELECT customer_id FROM customer_identifiers WHERE org_id = $1 AND value = '+79010000002'", [
      org.orgId,
    ]);
    expect(holders).toEqual([{ customer_id: older.customerId }]);
    const [merged] = await api.dataSource.query('SELECT merged_into FROM customers WHERE id = $1', [newer.customerId]);
    expect(merged.merged_into).toBe(older.customerId);
    const survivorState = await api.dataSource.query("SELECT status FROM consents WHERE customer_id = $1 AND channel = 'SMS' AND address = ''", [
      older.customerId,
    ]);
    expect(survivorState).toEqual([{ status: 'OPTOUT' }]);
    expect((await verifyConsentLedger(api.dataSource, [org.orgId])).mismatches).toEqual([]);
  });
});
