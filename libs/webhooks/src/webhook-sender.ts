import { Agent, Dispatcher, request } from 'undici';
import { isIP } from 'node:net';
import { ADDRESS_NOT_ALLOWED, guardedLookup, isForbiddenAddress } from './url-guard';
import { OPTLINE_VERSION } from './version';

export const RESPONSE_SNIPPET_BYTES = 4096;
export const USER_AGENT = `optline-webhooks/${OPTLINE_VERSION}`;

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface WebhookResponse {
  /** HTTP status, or null when no response came (timeout, connection error, refused address). */
  status: number | null;
  durationMs: number;
  /** The first 4 KiB of the response body. */
  bodySnippet: string | null;
  error: string | null;
  /** Seconds from a Retry-After header, when one was sent. */
  retryAfterSeconds: number | null;
}

/**
 * POSTs webhooks over keep-alive connection pools (one undici Agent per sender). Unless private
 * addresses are allowed, every new connection re-resolves the host and refuses internal addresses.
 */
export class WebhookSender {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: { allowPrivate: boolean; connections?: number }) {
    this.dispatcher = new Agent({
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 16,
      connect: options.allowPrivate ? {} : { lookup: guardedLookup as never },
    });
  }

  async send(req: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const host = new URL(req.url).hostname.replace(/^\[|\]$/g, '');
    // An IP literal skips DNS, so the connect-time lookup would not see it: check it here.
    if (!this.options.allowPrivate && isIP(host) && isForbiddenAddress(host)) {
      return { status: null, durationMs: 0, bodySnippet: null, error: ADDRESS_NOT_ALLOWED, retryAfterSeconds: null };
    }
    try {
      const response = await request(req.url, {
        method: 'POST',
        body: req.body,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...req.headers },
        dispatcher: this.dispatcher,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const bodySnippet = await readSnippet(response.body);
      return {
        status: response.statusCode,
        durationMs: elapsed(),
        bodySnippet,
        error: null,
        retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
      };
    } catch (error) {
      const e = error as Error & { code?: string };
      const reason = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' ? `timeout after ${req.timeoutMs} ms` : e.message;
      return { status: null, durationMs: elapsed(), bodySnippet: null, error: reason, retryAfterSeconds: null };
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

async function readSnippet(body: AsyncIterable<Buffer> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    // The status is what counts: a consumer that trickles a long body must not turn a 2xx into a timeout.
    if (size >= RESPONSE_SNIPPET_BYTES) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8');
}

/** Retry-After as seconds: a number, or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}
