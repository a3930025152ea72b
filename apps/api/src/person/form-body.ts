import { NestFastifyApplication } from '@nestjs/platform-fastify';

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

/**
 * multipart/form-data bodies, as RFC 8058's own example of a one-click POST has it; Nest already
 * parses form-url-encoded ones (fast-querystring). Read by the WHATWG parser Node ships
 * (Response.formData), never by hand. Another endpoint given a form gets an object of arrays,
 * which its validation refuses with a 400.
 */
export function registerMultipartParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    new Response(new Uint8Array(body as Buffer), { headers: { 'content-type': String(request.headers['content-type']) } })
      .formData()
      .then((form) => done(null, fieldsOf(form as unknown as Iterable<[string, unknown]>)))
      .catch(() => {
        const error = Object.assign(new Error('The multipart body could not be read'), { statusCode: 400 });
        done(error, undefined);
      });
  });
}
