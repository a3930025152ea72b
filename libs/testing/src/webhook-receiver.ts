import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: any;
  raw: string;
  /** True when the standardwebhooks package verified the signature with one of the secrets. */
  verified: boolean;
  receivedAt: number;
}

export interface ReceiverReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the answer this long (for timeouts and SIGKILL mid-request). */
  delayMs?: number;
}

/**
 * A real HTTP consumer for e2e tests: verifies every request with the `standardwebhooks` package,
 * records it, and answers as the test decides (default 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secrets: string[] = [];
  reply: (request: ReceivedWebhook, index: number) => ReceiverReply = () => ({ status: 200 });
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const entry: ReceivedWebhook = { headers: req.headers, body: safeJson(raw), raw, verified: this.verify(raw, req.headers), receivedAt: Date.now() };
        this.received.push(entry);
        const answer = this.reply(entry, this.received.length - 1);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers ?? {}) });
          res.end(answer.body ?? 'ok');
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  /** Every event id received, in order of receipt, across all requests. */
  eventIds(filter: (w: ReceivedWebhook) => boolean = () => true): string[] {
    return this.received.filter(filter).flatMap((w) => (w.body?.events ?? []).map((e: { eventId: string }) => e.eventId));
  }

  /** Waits until `predicate` holds, or fails after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 15000, what = 'webhooks'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`Timed out waiting for ${what}; received ${this.received.length} requests`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private verify(raw: string, headers: IncomingHttpHeaders): boolean {
    const plain = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    return this.secrets.some((secret) => {
      try {
        new Webhook(secret).verify(raw, plain);
        return true;
      } catch {
        return false;
      }
    });
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
