import { NotAcceptableException } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';

export type WmFormat = 'json' | 'xml';

const FORMAT_OF_TYPE: Record<string, WmFormat> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

/** The first type in Accept that WM speaks; JSON when Accept is absent. */
export function wmFormatOf(accept: string | undefined): WmFormat | undefined {
  if (!accept || !accept.trim()) return 'json';
  for (const part of accept.split(',')) {
    const format = FORMAT_OF_TYPE[part.split(';')[0].trim().toLowerCase()];
    if (format) return format;
  }
  return undefined;
}

export function requireWmFormat(request: FastifyRequest): WmFormat {
  const format = wmFormatOf(request.headers.accept);
  if (!format) throw new NotAcceptableException('Accept must be application/json or application/xml');
  return format;
}

const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });

/** Arrays become repeated elements under one `<response>` root; text is escaped by the builder. */
export function toWmXml(body: object): string {
  return xml.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, response: body });
}

/** Sends a WM body in the format the caller accepts (JSON when it accepts neither, for errors). */
export function sendWm(reply: FastifyReply, request: FastifyRequest, status: number, body: object): void {
  const format = wmFormatOf(request.headers.accept) ?? 'json';
  reply.status(status);
  if (format === 'xml') reply.type('application/xml; charset=utf-8').send(toWmXml(body));
  else reply.type('application/json; charset=utf-8').send(body);
}
