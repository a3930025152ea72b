import './test-env';
import { OrgsService } from '@app/domain';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../../apps/api/src/app.factory';

export interface TestOrg {
  slug: string;
  key: string;
  keyId: string;
  orgId: string;
  /** `Authorization` header values for this org's key. */
  basic: string;
  bearer: string;
}

export interface InjectOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Authenticate as this org (Basic auth). Omit for an anonymous request. */
  as?: TestOrg;
}

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, unknown>;
}

/** The API as production builds it, with helpers to create orgs and make requests in-process. */
export class TestApi {
  private constructor(readonly app: NestFastifyApplication) {}

  static async start(): Promise<TestApi> {
    const app = await createApiApp({ logs: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new TestApi(app);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** A new org with a fresh key; slugs are random so test files never collide. */
  async createOrg(prefix = 'org'): Promise<TestOrg> {
    const slug = `${prefix}-${randomBytes(4).toString('hex')}`;
    const issued = await this.app.get(OrgsService).createOrg(slug);
    const [{ id: orgId }] = await this.dataSource.query('SELECT id FROM orgs WHERE slug = $1', [slug]);
    return {
      slug,
      key: issued.key,
      keyId: issued.id,
      orgId,
      basic: `Basic ${Buffer.from(`${slug}:${issued.key}`).toString('base64')}`,
      bearer: `Bearer ${issued.key}`,
    };
  }

  async request<T = any>(options: InjectOptions): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.as && !headers.authorization) headers.authorization = options.as.basic;
    const payload =
      options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await this.app.inject({ method: options.method ?? 'GET', url: options.url, headers, payload });
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // Not JSON (XML answers, empty bodies): keep the text.
    }
    return { status: response.statusCode, body: body as T, text: response.body, headers: response.headers };
  }

  get = <T = any>(url: string, as?: TestOrg, headers?: Record<string, string>) => this.request<T>({ url, as, headers });
  post = <T = any>(url: string, body: unknown, as?: TestOrg, headers?: Record<string, string>) =>
    this.request<T>({ method: 'POST', url, body, as, headers });
  put = <T = any>(url: string, body: unknown, as?: TestOrg, headers?: Record<string, string>) =>
    this.request<T>({ method: 'PUT', url, body, as, headers });
  delete = <T = any>(url: string, as?: TestOrg, headers?: Record<string, string>) =>
    this.request<T>({ method: 'DELETE', url, as, headers });

  async close(): Promise<void> {
    await this.app.close();
  }
}
