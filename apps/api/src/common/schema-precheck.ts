import Ajv, { JSONSchemaType, SchemaObject, ValidateFunction } from 'ajv';

/**
 * A compiled JSON schema in front of a hot body DTO. class-transformer and class-validator build
 * and walk an object per item: 13 ms of CPU, and most of the garbage, for the 1,000 questions of a
 * bulk decision request. A body the schema accepts is handed to the controller as parsed, with no
 * DTO instance; any other body goes through the DTO as before, for its transforms and its error
 * messages. So the schema must accept only bodies that the DTO accepts AND leaves unchanged (an
 * upper-case channel, a trimmed topic, a string identifier): schema-precheck.spec.ts checks that
 * property over generated bodies, against the DTO itself.
 */
const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false, strict: true, strictRequired: false });
const prechecks = new WeakMap<object, ValidateFunction>();

/** Registers the schema that prechecks input of this DTO class. */
export function PrecheckedBy(schema: SchemaObject | JSONSchemaType<unknown>): ClassDecorator {
  return (target) => {
    prechecks.set(target, ajv.compile(schema));
  };
}

/** True when the DTO class has a precheck and the input passes it: the input may be used as it is. */
export function passesPrecheck(metatype: unknown, input: unknown): boolean {
  const precheck = typeof metatype === 'function' ? prechecks.get(metatype) : undefined;
  return precheck !== undefined && precheck(input) === true;
}

/** A string the `trimmed` transform leaves as it is, and not empty. JS's \s is what String.trim removes. */
export const trimmedNonEmptyString = (maxLength: number) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: '^\\S(?:[\\s\\S]*\\S)?$',
});
