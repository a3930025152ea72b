import { registerCustomer, runCli, TestApi, TestOrg } from '@app/testing';

/**
 * Issue 13: the org's display name, logo and accent colour on the person's pages are set through
 * an authenticated native endpoint (and the CLI), checked so the pages stay readable, and used.
 */
describe('org branding', () => {
  let api: TestApi;
  let org: TestOrg;

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('branding');
  });
  afterAll(() => api.close());

  const stored = async (orgId = org.orgId) =>
    (await api.dataSource.query('SELECT display_name, logo_url, accent_color FROM orgs WHERE id = $1', [orgId]))[0];
  /** The preference page a person opens from a fresh unsubscribe link of this org. */
  async function preferencePage(): Promise<string> {
    const customer = await registerCustomer(api, org);
    const minted = await api.post('/v1/unsubscribe-links', { items: [{ customerId: customer.id, channel: 'EMAIL', topic: 'BULK', address: customer.email }] }, org);
    return (await api.get(new URL(minted.body.items[0].url).pathname)).text;
  }

  it('reads the defaults, sets all three, and the preference page shows them, escaped', async () => {
    expect((await api.get('/v1/org/branding', org)).body).toEqual({ org: org.slug, displayName: null, logoUrl: null, accentColor: null });
    const branding = { displayName: 'Tom & Co <Shop>', logoUrl: 'https://cdn.example.com/logo.png?v=2&size=s', accentColor: '#0F766E' };
    const res = await api.put('/v1/org/branding', branding, org);
    expect(res.status).toBe(200);
    const answer = { org: org.slug, displayName: 'Tom & Co <Shop>', logoUrl: branding.logoUrl, accentColor: '#0f766e' };
    expect(res.body).toEqual(answer);
    expect((await api.get('/v1/org/branding', org)).body).toEqual(answer);

    const page = await preferencePage();
    expect(page).toContain('<span>Tom &amp; Co &lt;Shop&gt;</span>');
    expect(page).toContain('<img src="https://cdn.example.com/logo.png?v=2&amp;size=s" alt="">');
    expect(page).toContain('--accent: #0f766e; --on-accent: #ffffff');

    // PUT replaces the whole: left out goes back to the default.
    expect((await api.put('/v1/org/branding', { displayName: 'Tom' }, org)).body).toEqual({ org: org.slug, displayName: 'Tom', logoUrl: null, accentColor: null });
    const plain = await preferencePage();
    expect(plain).not.toContain('<img');
    expect(plain).toContain('--accent: #1d4ed8');
  });

  it('refuses what the pages cannot use with a 400 in the native body, writing nothing', async () => {
    await api.put('/v1/org/branding', { displayName: 'Kept', accentColor: '#0f766e' }, org);
    const before = await stored();
    const refused: Array<[object, RegExp]> = [
      [{ logoUrl: 'http://cdn.example.com/logo.png' }, /logoUrl must be an https URL/],
      [{ logoUrl: 'javascript:alert(1)' }, /logoUrl must be an https URL/],
      [{ logoUrl: 'https://user:pw@cdn.example.com/logo.png' }, /logoUrl must be an https URL/],
      [{ accentColor: '#ffcc00' }, /contrast of 1\.\d\d:1 against white; text needs at least 4\.5:1/],
      [{ accentColor: '#777777' }, /contrast of 4\.48:1/],
      [{ accentColor: 'red' }, /accentColor must be a colour as #rrggbb/],
      [{ displayName: '   ' }, /displayName must be 1 to 100 characters/],
      [{ displayName: 'x'.repeat(101) }, /displayName/],
      [{ displayName: 42 }, /displayName/],
      [{ colour: '#000000' }, /colour/],
    ];
    for (const [body, message] of refused) {
      const res = await api.put('/v1/org/branding', body, org);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(JSON.stringify(res.body.error)).toMatch(message);
    }
    expect((await api.put('/v1/org/branding', { accentColor: '#ffcc00' }, org)).body.error.code).toBe('INVALID_BRANDING');
    expect(await stored()).toEqual(before);
    // Just dark enough is enough.
    expect((await api.put('/v1/org/branding', { accentColor: '#767676' }, org)).status).toBe(200);
  });

  it('needs a key, and each org sees and sets only its own', async () => {
    expect((await api.request({ method: 'GET', url: '/v1/org/branding' })).status).toBe(401);
    expect((await api.request({ method: 'PUT', url: '/v1/org/branding', body: { displayName: 'x' } })).status).toBe(401);
    const other = await api.createOrg('branding-other');
    await api.put('/v1/org/branding', { displayName: 'Mine' }, org);
    expect((await api.put('/v1/org/branding', { displayName: 'Theirs' }, other)).status).toBe(200);
    expect((await api.get('/v1/org/branding', org)).body.displayName).toBe('Mine');
    expect((await stored(other.orgId)).display_name).toBe('Theirs');
  });

  it('the CLI sets what it is given, none goes back to the default, and it refuses what the API refuses', async () => {
    const tenant = await api.createOrg('branding-cli');
    const set = await runCli(['org:branding', tenant.slug, '--name', 'Sawyer & Finn', '--logo-url', 'https://cdn.example.com/l.svg', '--accent', '#0f766e']);
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining('name:     Sawyer & Finn') });
    expect(await stored(tenant.orgId)).toEqual({ display_name: 'Sawyer & Finn', logo_url: 'https://cdn.example.com/l.svg', accent_color: '#0f766e' });
    expect((await runCli(['org:branding', tenant.slug, '--logo-url', 'none'])).code).toBe(0);
    expect(await stored(tenant.orgId)).toEqual({ display_name: 'Sawyer & Finn', logo_url: null, accent_color: '#0f766e' });
    const shown = await runCli(['org:branding', tenant.slug]);
    expect(shown.stdout).toContain('accent:   #0f766e');
    const bad = await runCli(['org:branding', tenant.slug, '--accent', '#ffff00']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('WCAG AA');
    expect((await stored(tenant.orgId)).accent_color).toBe('#0f766e');
    expect((await runCli(['org:branding', 'no-such-org', '--name', 'x'])).stderr).toContain('not found');
  }, 120000);
});
