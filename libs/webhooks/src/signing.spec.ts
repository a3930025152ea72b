import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, signWebhook } from './signing';

describe('Standard Webhooks signing', () => {
  it('produces headers the standardwebhooks package verifies, with either secret during a rotation', () => {
    const oldSecret = generateSigningSecret();
    const newSecret = generateSigningSecret();
    const body = JSON.stringify({ events: [{ eventId: 'e1' }] });
    const headers = signWebhook('batch_1', body, [newSecret, oldSecret]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(body, { ...headers })).toEqual({ events: [{ eventId: 'e1' }] });
    expect(new Webhook(oldSecret).verify(body, { ...headers })).toEqual({ events: [{ eventId: 'e1' }] });
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(newSecret).verify(body + ' ', { ...headers })).toThrow();
  });
});
