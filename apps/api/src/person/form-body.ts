import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { findTextDefect } from '../common/request-text';

/** A form body: each field with every value it was given, in order. */
export type FormFields = Record<string, string[]>;

/** A parsed form as either parser leaves it (a value, or the values of a repeated field); anything else is no form. */
export function formFieldsOf(body: unknown): FormFields {
  if (typeof body !== 'object' || body === null) return {};
  const fields: FormFields = {};
  for (const [name, value] of Object.entries(body)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.every((v) => typeof v === 'string')) fields[name] = values;
  }
  return fields;
}

const fieldsOf = (form: Iterable<[string, unknown]>): FormFields => {
  const fields: FormFields = Object.create(null);
  for (const [name, value] of form) (fields[name] ??= []).push(typeof value === 'string' ? value : '');
  return fields;
};

/** A form Postgres could not store (a NUL, a lone surrogate) is refused as a whole. */
const readable = (fields: FormFields) => !findTextDefect(fields);

const unreadable = (what: string) => Object.assign(new Error(`The ${what} body could not be read`), { statusCode: 400 });

/**
 * Form bodies, for the pages a person opens: form-url-encoded (a browser's form, and Gmail's
 * one-click POST) and multipart/form-data (RFC 8058's own example). Both read by the WHATWG
 * parsers Node ships (URLSearchParams, Response.formData), never by hand. Another endpoint given
 * a form gets an object of arrays, which its validation refuses with a 400.
 */
export function registerFormParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const fields = fieldsOf(new URLSearchParams(body as string));
    if (readable(fields)) done(null, fields);
    else done(unreadable('form'), undefined);
  });
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    new Response(new Uint8Array(body as Buffer), { headers: { 'content-type': String(request.headers['content-type']) } })
      .formData()
      .then((form) => {
        const fields = fieldsOf(form as unknown as Iterable<[string, unknown]>);
        if (readable(fields)) done(null, fields);
        else done(unreadable('multipart'), undefined);
      })
      .catch(() => done(unreadable('multipart'), undefined));
  });
}
