import fc from 'fast-check';
import { passesPrecheck } from '../../common/schema-precheck';
import { createValidationPipe } from '../../common/validation.pipe';
import { ConsentDecisionsDto } from './consent-decisions.dto';
import { ConsentQuestionDto } from './consent-question.dto';

/**
 * The decision inputs' compiled schemas may only take a shortcut: every body it accepts must
 * be one the DTO accepts and leaves exactly as it was. Checked here over generated bodies mixing
 * well-formed and malformed fields, against the DTO through the validation pipe with no prechecks.
 */
const reference = createValidationPipe({ usePrechecks: false });
const withPrechecks = createValidationPipe();

/** What a pipe makes of the input: the value handed on, as JSON, or the refusal. */
const outcomeOf = (pipe: typeof reference, input: unknown, metadata: Parameters<typeof reference.transform>[1]) =>
  pipe.transform(structuredClone(input), metadata).then(
    (value) => ({ value: JSON.parse(JSON.stringify(value)) }),
    (error) => ({ refused: String(error.message) }),
  );

/** The pipe with prechecks answers every input exactly as the pipe without; counts the shortcuts taken. */
async function checkSameOutcomes(input: fc.Arbitrary<unknown>, metatype: object, type: 'body' | 'query', numRuns: number) {
  const metadata = { type, metatype: metatype as never, data: '' };
  let shortcuts = 0;
  let full = 0;
  await fc.assert(
    fc.asyncProperty(input, async (candidate) => {
      if (passesPrecheck(metatype, candidate)) shortcuts++;
      else full++;
      expect(await outcomeOf(withPrechecks, candidate, metadata)).toEqual(await outcomeOf(reference, candidate, metadata));
    }),
    { numRuns, seed: 20261201 },
  );
  expect(shortcuts).toBeGreaterThan(50);
  expect(full).toBeGreaterThan(50);
}

const absent = Symbol('absent');
/** Mostly a common, well-formed value; sometimes an odd or wrong one, or random text. */
const field = <T>(common: T[], odd: unknown[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...common) },
    { weight: 2, arbitrary: fc.constantFrom(...odd) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  );

const questionFields = fc.record({
  channel: field(['EMAIL', 'SMS', 'WHATSAPP'], [absent, 'email', 'Email', ' EMAIL', 'FAX', '', 5, null]),
  topic: field(['BULK', 'TRANS', 'a'.repeat(200), '\u{1F600}'.repeat(200)], [absent, ' BULK', 'BULK ', '', '  ', 'a\nb', '\u00a0x', 'x\u2028', 'a'.repeat(201), '\u{1F600}'.repeat(201), 7, null]),
  accountId: field([absent, '', 'acc-1', 'a'.repeat(100)], ['a'.repeat(101), '\u{1F600}'.repeat(100), '\u{1F600}'.repeat(101), 5, null]),
  address: field([absent, 'tom@example.com', ' +1 415 555 0100 ', 'a'.repeat(320)], ['', 'a'.repeat(321), 'e\uFE0F'.repeat(170), 5, null]),
  extra: fc.constantFrom<unknown>(absent, absent, absent, absent, absent, absent, absent, 1),
});

const customerId = field([1, 42, 2 ** 53 - 1], [0, -1, 1.5, 2 ** 53, '1', null, true]);
const identifier = field(
  [{ type: 'email', value: 'tom@example.com' }, { type: 'mobile', value: '+14155550100' }, { type: ' ', value: ' ' }],
  [{ type: '', value: 'x' }, { type: 'email', value: '' }, { type: 'mobile', value: 14155550100 }, { type: 'email' }, { type: 'email', value: 'x', extra: 1 },
    { type: 'a'.repeat(51), value: 'x' }, { type: 'email', value: 'a'.repeat(321) }, null, [], 'email'],
);
/** Who a question is about: mostly one way, sometimes both or neither. */
const who = fc.oneof(
  { weight: 4, arbitrary: fc.record({ customerId }) },
  { weight: 4, arbitrary: fc.record({ identifier }) },
  { weight: 1, arbitrary: fc.record({ customerId, identifier }) },
  { weight: 1, arbitrary: fc.constant({}) },
);
const question = fc.tuple(questionFields, who).map(([fields, named]) => ({ ...fields, ...named }));

const withoutAbsent = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== absent));

const body = fc.oneof(
  { weight: 8, arbitrary: fc.array(question, { minLength: 1, maxLength: 3 }).map((qs) => ({ questions: qs.map(withoutAbsent) })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ questions: [] }, { questions: {} }, { questions: null }, {}, [], null, 'x') },
  { weight: 1, arbitrary: fc.array(question, { maxLength: 2 }).map((qs) => ({ questions: qs.map(withoutAbsent), more: true })) },
);

describe('the bulk decision body precheck', () => {
  it('answers every body as the DTO alone would, taking the shortcut often', () => checkSameOutcomes(body, ConsentDecisionsDto, 'body', 3000));

  it('answers a thousand well-formed questions through the shortcut', () => {
    const questions = Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? { customerId: i + 1, channel: 'EMAIL', topic: 'BULK' } : { identifier: { type: 'email', value: `p${i}@example.com` }, channel: 'SMS', topic: 'TRANS', address: '+14155550100' },
    );
    expect(passesPrecheck(ConsentDecisionsDto, { questions })).toBe(true);
    expect(passesPrecheck(ConsentDecisionsDto, { questions: [...questions, questions[0]] })).toBe(false);
  });
});

/** A query string's values: text, or a list when a name repeats. */
const queryValue = (common: string[], odd: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<unknown>(...common) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...odd) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...common.filter((v) => typeof v === 'string')), { minLength: 2, maxLength: 2 }) },
  );

const query = fc
  .record({
    channel: queryValue(['EMAIL', 'SMS'], [absent as unknown as string, 'email', ' SMS', 'FAX', '']),
    topic: queryValue(['BULK', 'TRANS', 'a'.repeat(200)], [absent as unknown as string, ' BULK', '', '  ', 'a'.repeat(201), 'x\u2028']),
    accountId: queryValue([absent as unknown as string, '', 'acc-1'], ['a'.repeat(101)]),
    address: queryValue([absent as unknown as string, 'tom@example.com', '+14155550100'], ['a'.repeat(321), '']),
    colour: fc.constantFrom<unknown>(absent, absent, absent, absent, 'red'),
  })
  .map(withoutAbsent);

describe('the single decision query precheck', () => {
  it('answers every query as the DTO alone would, taking the shortcut often', () => checkSameOutcomes(query, ConsentQuestionDto, 'query', 2000));
});
