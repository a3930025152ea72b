import { SecretBox } from '@app/domain';
import { createCallback, NOTIFICATIONS, runCli, TestApi, TestOrg, TEST_SECRETS_KEYS, WebhookReceiver } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const CALLBACKS = `${NOTIFICATIONS}/callbacks`;
const sealedWith = (kid: string) => new RegExp(`^enc:v1:${kid}:[A-Za-z0-9+/=]+$`);

describe('secrets at rest (callback passwords and signing secrets)', () => {
  let api: TestApi;
  let org: TestOrg;
  let receiver: WebhookReceiver;
  const stored = async (name: string) =>
    (
      await api.dataSource.query('SELECT auth_password, signing_secret, previous_signing_secret FROM callbacks WHERE org_id = $1 AND name = $2', [
        org.orgId,
        name,
      ])
    )[0];

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('secrets');
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await api.close();
  });

  it('stores them sealed with AES-256-GCM, never answers them after creation, and uses them in clear', async () => {
    const created = await api.post(
      CALLBACKS,
      { callBackName: 'sealed', callBackUrl: receiver.url, authentication: { type: 'B', userName: 'john', password: 'Oracle1234' } },
      org,
    );
    expect(created.status).toBe(201);
    const signingSecret: string = created.body.signingSecret;
    const row = await stored('sealed');
    expect(row.auth_password).toMatch(sealedWith('test1'));
    expect(row.signing_secret).toMatch(sealedWith('test1'));
    expect(JSON.stringify(row)).not.toContain('Oracle1234');
    expect(JSON.stringify(row)).not.toContain(signingSecret.slice(6));

    for (const url of [`${CALLBACKS}/sealed`, CALLBACKS]) {
      const res = await api.get(url, org);
      expect(res.text).not.toContain('Oracle1234');
      expect(res.text).not.toContain(signingSecret.slice(6));
      expect(res.text).not.toContain('enc:v1');
    }

    // Verification opens both: the receiver gets the password and a signature of the secret shown at creation.
    expect((await api.get(`${CALLBACKS}/sealed/actions/verify`, org)).body.success).toBe(true);
    const request = receiver.received.at(-1)!;
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('john:Oracle1234').toString('base64')}`);
    expect(() => new Webhook(signingSecret).verify(request.raw, request.headers as Record<string, string>)).not.toThrow();

    // A rotation seals the new secret and the previous one alike.
    const rotated = await api.post(`${CALLBACKS}/sealed/actions/rotateSecret`, {}, org);
    expect(rotated.status).toBe(200);
    const afterRotation = await stored('sealed');
    expect(afterRotation.signing_secret).toMatch(sealedWith('test1'));
    expect(afterRotation.previous_signing_secret).toMatch(sealedWith('test1'));
  });

  it('rotates keys: secrets:reencrypt moves every secret (also ones stored in clear) to the first key, or changes nothing', async () => {
    const { name, signingSecret } = await createCallback(api, org, { authentication: { type: 'B', userName: 'u', password: 'clear-pass' } });
    await api.dataSource.query(
      "INSERT INTO callbacks (org_id, name, url, signing_secret) VALUES ($1, 'legacy', 'http://127.0.0.1:9/hook', 'whsec_legacyclear')",
      [org.orgId],
    );
    const next = { kid: 'next', key: randomBytes(32) };
    const rotatedKeys = `${next.kid}:${next.key.toString('base64')},${TEST_SECRETS_KEYS}`;
    try {
      // A key list that cannot open the stored values fails whole: nothing is rewritten.
      const unknownOnly = await runCli(['secrets:reencrypt'], { SECRETS_KEYS: `next:${next.key.toString('base64')}` });
      expect(unknownOnly.code).toBe(1);
      expect(unknownOnly.stderr).toContain('no longer lists');
      expect((await stored(name)).signing_secret).toMatch(sealedWith('test1'));

      const moved = await runCli(['secrets:reencrypt'], { SECRETS_KEYS: rotatedKeys });
      expect(moved.code).toBe(0);
      expect(moved.stdout).toMatch(/re-encrypted: \d+ secrets with key next/);
      const row = await stored(name);
      expect(row.auth_password).toMatch(sealedWith('next'));
      expect(row.signing_secret).toMatch(sealedWith('next'));
      const nextOnly = new SecretBox([next]);
      expect(nextOnly.open(row.signing_secret, 'signing_secret')).toBe(signingSecret);
      expect(nextOnly.open(row.auth_password, 'auth_password')).toBe('clear-pass');
      const legacy = await stored('legacy');
      expect(nextOnly.open(legacy.signing_secret, 'signing_secret')).toBe('whsec_legacyclear');

      const again = await runCli(['secrets:reencrypt'], { SECRETS_KEYS: rotatedKeys });
      expect(again.stdout).toContain('re-encrypted: 0 secrets');
    } finally {
      // Back to the test key, so the rest of the suite can read every callback.
      expect((await runCli(['secrets:reencrypt'], { SECRETS_KEYS: `${TEST_SECRETS_KEYS},${rotatedKeys}` })).code).toBe(0);
      await api.dataSource.query("DELETE FROM callbacks WHERE org_id = $1 AND name = 'legacy'", [org.orgId]);
    }
    expect((await stored(name)).signing_secret).toMatch(sealedWith('test1'));
  }, 180000);
});
