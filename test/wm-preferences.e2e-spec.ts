import { customerByIdentifier, rowsOf, TestApi, TestOrg } from '@app/testing';
import { XMLParser } from 'fast-xml-parser';
import { randomInt } from 'node:crypto';

/** WM's sample request body, verbatim. */
const SEED_004 = {
  preferences: [
    {
      category: 'Service Exception',
      channels: [{ name: 'Text', selections: [{ value: '1233454567', type: 'BPHONE', is_opt_in: 'Y' }] }],
    },
  ],
  audit_info: { modified_by: 'johnm' },
};

const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['preferences', 'channels', 'selections', 'errors'].includes(name) });

describe('WM communication-preferences', () => {
  let api: TestApi;
  let org: TestOrg;
  const newCustomerId = () => String(randomInt(1, 2 ** 47));
  const url = (customerId: string) => `/api/v1/customers/${customerId}/communication-preferences`;
  const headers = (extra: Record<string, string> = {}) => ({ 'request-tracking-id': '12', clientid: 'wm-portal', ...extra });
  const customerOf = (customerId: string, as = org) =>
    customerByIdentifier(api, as.orgId, { source: 'WM', accountId: '', type: 'customerId', value: customerId });

  beforeAll(async () => {
    api = await TestApi.start();
    org = await api.createOrg('wm');
  });
  afterAll(() => api.close());

  it("applies WM's sample request: state, ledger (modified_by, ClientId, tracking id), event and answer", async () => {
    const res = await api.put(url('123456789'), SEED_004, org, headers());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'Success', request_tracking_id: '12' });
    const customerId = (await customerOf('123456789'))!;
    expect(customerId).toBe(Number(res.headers['optline-customer-id']));

    const [state] = await rowsOf(api, 'consents', customerId);
    expect(state).toMatchObject({ channel: 'SMS', topic: 'Service Exception', address: '1233454567', address_type: 'BPHONE', status: 'OPTIN' });
    const [ledger] = await rowsOf(api, 'consent_ledger', customerId);
    expect(ledger).toMatchObject({
      dialect: 'wm',
      actor: 'johnm',
      source_name: 'wm-portal',
      request_id: '12',
      previous_status: null,
      status: 'OPTIN',
      address_type: 'BPHONE',
      api_key_id: org.keyId,
    });
    const [event] = await rowsOf(api, 'events', customerId);
    expect(event).toMatchObject({ id: ledger.event_id, type: 'SMS_OPT_IN', recipient: '1233454567' });
  });

  it('answers GET in the PUT shape, and opts out with N', async () => {
    const id = newCustomerId();
    const body = {
      preferences: [
        {
          category: 'Service Notification',
          channels: [
            { name: 'Email', selections: [{ value: 'Bill@Example.com', type: 'SEMAIL', is_opt_in: 'Y' }] },
            { name: 'Voice', selections: [{ value: '123-345-4567', type: 'BPHONE', is_opt_in: 'N' }] },
          ],
        },
      ],
    };
    expect((await api.put(url(id), body, org, headers())).status).toBe(200);
    const res = await api.get(url(id), org, headers({ 'request-tracking-id': 'r-2' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'Success',
      request_tracking_id: 'r-2',
      preferences: [
        {
          category: 'Service Notification',
          channels: [
            { name: 'Email', selections: [{ value: 'bill@example.com', type: 'SEMAIL', is_opt_in: 'Y' }] },
            // Without a region and with no country code that makes it possible, the digits alone.
            { name: 'Voice', selections: [{ value: '1233454567', type: 'BPHONE', is_opt_in: 'N' }] },
          ],
        },
      ],
    });
    const events = await rowsOf(api, 'events', (await customerOf(id))!);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['EMAIL_OPTIN', 'VOICE_OPT_OUT']);
  });

  it('answers PUT and GET in well-formed XML when Accept asks for it', async () => {
    const id = newCustomerId();
    const body = structuredClone(SEED_004);
    body.preferences[0].category = 'Billing & <Alerts>';
    const put = await api.put(url(id), body, org, headers({ accept: 'application/xml' }));
    expect(put.status).toBe(200);
    expect(put.headers['content-type']).toMatch(/^application\/xml/);
    expect(put.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.parse(put.text).response).toEqual({ status: 'Success', request_tracking_id: '12' });

    const get = await api.get(url(id), org, headers({ accept: 'application/xml' }));
    expect(xml.parse(get.text).response.preferences).toEqual([
      { category: 'Billing & <Alerts>', channels: [{ name: 'Text', selections: [{ value: '1233454567', type: 'BPHONE', is_opt_in: 'Y' }] }] },
    ]);
  });

  it.each([
    ['Request-Tracking-Id', { clientid: 'wm-portal' }, 400],
    ['ClientId', { 'request-tracking-id': '12' }, 401],
  ])('refuses a missing %s in the envelope (JSON and XML) and writes nothing', async (field, sent, status) => {
    const id = newCustomerId();
    const res = await api.put(url(id), SEED_004, org, sent);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status: 'Failure', errors: [{ field, message: expect.stringContaining(field) }] });
    const asXml = await api.put(url(id), SEED_004, org, { ...sent, accept: 'application/xml' });
    expect(asXml.status).toBe(status);
    expect(xml.parse(asXml.text).response).toMatchObject({ status: 'Failure', errors: [{ field }] });
    expect(await customerOf(id)).toBeUndefined();
  });

  it.each([
    ['is_opt_in', { value: '1233454567', type: 'BPHONE', is_opt_in: 'X' }, 'Text', 'preferences[0].channels[0].selections[0].is_opt_in'],
    ['email value', { value: 'not-an-email', is_opt_in: 'Y' }, 'Email', 'preferences[0].channels[0].selections[0].value'],
    ['phone value', { value: 'call me', is_opt_in: 'Y' }, 'Text', 'preferences[0].channels[0].selections[0].value'],
    ['channel name', { value: '1233454567', is_opt_in: 'Y' }, 'Fax', 'preferences[0].channels[0].name'],
  ])('refuses a bad %s naming the field, echoing the tracking id, writing nothing', async (_what, selection, name, field) => {
    const id = newCustomerId();
    // The bad preference comes first and a good one after it: neither is written.
    const bad = { category: 'Service Notification', channels: [{ name, selections: [selection] }] };
    const res = await api.put(url(id), { preferences: [bad, SEED_004.preferences[0]] }, org, headers({ 'request-tracking-id': 'bad-1' }));
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('Failure');
    expect(res.body.request_tracking_id).toBe('bad-1');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await customerOf(id)).toBeUndefined();
  });

  it('refuses a body without preferences, an unknown field and a non-numeric customerId', async () => {
    expect((await api.put(url(newCustomerId()), {}, org, headers())).body.errors[0].field).toBe('preferences');
    const unknown = await api.put(url(newCustomerId()), { ...SEED_004, colour: 'red' }, org, headers());
    expect(unknown.body.errors[0].field).toBe('colour');
    const path = await api.put(url('abc'), SEED_004, org, headers());
    expect(path.status).toBe(400);
    expect(path.body.errors).toEqual([{ field: 'customerId', message: 'customerId must be a number' }]);
  });

  it('answers an Accept it cannot serve with 406', async () => {
    const res = await api.put(url(newCustomerId()), SEED_004, org, headers({ accept: 'text/html' }));
    expect(res.status).toBe(406);
    expect(res.body).toMatchObject({ status: 'Failure', errors: [{ field: 'Accept' }] });
  });

  it('answers 401 without a key and 404 for a customer of another org', async () => {
    const id = newCustomerId();
    const anonymous = await api.put(url(id), SEED_004, undefined, headers());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ status: 'Failure', request_tracking_id: '12', errors: [{ field: 'Authorization', message: 'Unauthorized' }] });
    await api.put(url(id), SEED_004, org, headers());
    const other = await api.createOrg('wm-other');
    const res = await api.get(url(id), other, headers());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 'Failure', errors: [{ field: 'customerId' }] });
    expect(await customerOf(id, other)).toBeUndefined();
  });
});
