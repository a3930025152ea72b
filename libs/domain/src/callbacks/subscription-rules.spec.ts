import { DomainError } from '../common/domain-error';
import { checkBatchSize, checkEventTypes, checkFilters, checkStatus } from './subscription-rules';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'none';
};

describe('subscription rules', () => {
  it('checks event types: present, distinct, known', () => {
    expect(codeOf(() => checkEventTypes([]))).toBe('EVENT_TYPES_EMPTY');
    expect(codeOf(() => checkEventTypes(null))).toBe('EVENT_TYPES_EMPTY');
    expect(codeOf(() => checkEventTypes(['SMS_FAILED', 'SMS_FAILED']))).toBe('EVENT_TYPES_DUPLICATE');
    expect(codeOf(() => checkEventTypes(['SMS_FAILED1']))).toBe('EVENT_TYPE_UNKNOWN');
    expect(checkEventTypes(['SMS_FAILED', 'EMAIL_OPTOUT'])).toEqual(['SMS_FAILED', 'EMAIL_OPTOUT']);
  });

  it('defaults the status to ACTIVE on create only', () => {
    expect(checkStatus(undefined, false)).toBe('ACTIVE');
    expect(codeOf(() => checkStatus(undefined, true))).toBe('SUBSCRIPTION_STATUS_MISSING');
    expect(codeOf(() => checkStatus('', false))).toBe('SUBSCRIPTION_STATUS_MISSING');
    expect(codeOf(() => checkStatus('STOPPED', false))).toBe('SUBSCRIPTION_STATUS_INVALID');
    expect(checkStatus('PAUSED', true)).toBe('PAUSED');
  });

  it('keeps batchSize within 1..200', () => {
    expect(checkBatchSize(undefined, 100)).toBe(100);
    expect(checkBatchSize(200, 100)).toBe(200);
    for (const bad of [0, 201, 1.5, '10']) expect(codeOf(() => checkBatchSize(bad, 100))).toBe('INVALID_BATCH_SIZE');
  });

  it('refuses empty filters, foreign types and a type in two filters', () => {
    const types = ['EMAIL_FAILED', 'EMAIL_BOUNCED'];
    const ok = { eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['a', 'a', 'b'] }] };
    expect(checkFilters([ok], types)).toEqual([{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: ['a', 'b'] }] }]);
    for (const bad of [
      [{ eventTypes: [], values: [{ campaignNames: ['a'] }] }],
      [{ eventTypes: ['EMAIL_FAILED'], values: [] }],
      [{ eventTypes: ['EMAIL_FAILED'], values: [{ campaignNames: [] }] }],
      [{ eventTypes: ['SMS_FAILED'], values: [{ campaignNames: ['a'] }] }],
      [ok, ok],
    ]) {
      expect(codeOf(() => checkFilters(bad, types))).toBe('INVALID_FILTERS');
    }
  });
});
