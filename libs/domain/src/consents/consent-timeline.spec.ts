import { ConsentStatus } from '../common/consent-status';
import { effectiveTime, judgeChange } from './consent-timeline';

const at = (hhmm: string) => new Date(`2026-01-01T${hhmm}:00Z`);
const OPTIN = ConsentStatus.OPTIN;
const OPTOUT = ConsentStatus.OPTOUT;

describe('judgeChange (the time rule)', () => {
  it('an opt-in that happened at 10:00 does not undo an opt-out recorded as of 10:30', () => {
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: OPTIN, occurredAt: at('10:00') }, false)).toBe('superseded');
  });

  it('a later change applies, whichever way it goes', () => {
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: OPTIN, occurredAt: at('11:00') }, false)).toBe('apply');
    expect(judgeChange({ status: OPTIN, occurredAt: at('10:30') }, { status: OPTOUT, occurredAt: at('11:00') }, false)).toBe('apply');
  });

  it('on equal times the opt-out wins', () => {
    expect(judgeChange({ status: OPTIN, occurredAt: at('10:30') }, { status: OPTOUT, occurredAt: at('10:30') }, false)).toBe('apply');
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: OPTIN, occurredAt: at('10:30') }, false)).toBe('superseded');
  });

  it('a later repeat of an opt-out moves its time; a repeat of an opt-in, or an older repeat, writes nothing', () => {
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: OPTOUT, occurredAt: at('11:00') }, false)).toBe('reaffirm');
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: OPTOUT, occurredAt: at('10:00') }, false)).toBe('unchanged');
    expect(judgeChange({ status: OPTIN, occurredAt: at('10:30') }, { status: OPTIN, occurredAt: at('11:00') }, false)).toBe('unchanged');
  });

  it('a later request for confirmation (UNCONFIRMED again) applies: the person is asked anew; an older one writes nothing', () => {
    const UNCONFIRMED = ConsentStatus.UNCONFIRMED;
    expect(judgeChange({ status: UNCONFIRMED, occurredAt: at('10:30') }, { status: UNCONFIRMED, occurredAt: at('11:00') }, false)).toBe('apply');
    expect(judgeChange({ status: UNCONFIRMED, occurredAt: at('10:30') }, { status: UNCONFIRMED, occurredAt: at('10:30') }, false)).toBe('unchanged');
  });

  it('without a record, the implicit opt-in is written only when the caller records explicit choices', () => {
    expect(judgeChange(null, { status: OPTIN, occurredAt: at('10:00') }, false)).toBe('unchanged');
    expect(judgeChange(null, { status: OPTIN, occurredAt: at('10:00') }, true)).toBe('apply');
    expect(judgeChange(null, { status: OPTOUT, occurredAt: at('10:00') }, false)).toBe('apply');
  });

  it('a finer forbidding status replaces an opt-out of the same instant', () => {
    expect(judgeChange({ status: OPTOUT, occurredAt: at('10:30') }, { status: ConsentStatus.COMPLAINED, occurredAt: at('10:30') }, false)).toBe('apply');
  });
});

describe('effectiveTime', () => {
  it('keeps a past time and brings a future one back to when the request arrived', () => {
    expect(effectiveTime(at('10:00'), at('11:00'))).toEqual(at('10:00'));
    expect(effectiveTime(at('12:00'), at('11:00'))).toEqual(at('11:00'));
    expect(effectiveTime(undefined, at('11:00'))).toEqual(at('11:00'));
  });
});
