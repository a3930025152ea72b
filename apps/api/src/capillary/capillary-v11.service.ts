import { ActorContext, Channel, ConsentsService, ConsentStatus, CustomersService, DomainError } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../common/request-validation.error';
import { CapillaryCode } from './capillary-codes';
import { capillaryErrors } from './capillary-exception.filter';
import { classifyFailure } from '../common/failure';
import { V11SubscriptionItemDto } from './dto/v11-subscription-item.dto';

export interface V11ItemStatus {
  success: 'true' | 'false';
  code: number;
  message: string;
}

export type V11ItemResult = Record<string, unknown> & { item_status: V11ItemStatus };

const IDENTIFIER_FIELDS: Array<[keyof V11SubscriptionItemDto, string]> = [
  ['mobile', 'mobile'],
  ['email', 'email'],
  ['external_id', 'externalId'],
];

/**
 * Capillary v1.1 `customer/subscriptions`: each item names its customer and is applied in its own
 * transaction, so one bad item never blocks the others; the answer reports every item.
 */
@Injectable()
export class CapillaryV11Service {
  constructor(
    private readonly customers: CustomersService,
    private readonly consents: ConsentsService,
  ) {}

  /** `{"root":{"subscription":[...]}}`, `{"root":{"subscription":{...}}}` or one flat item. */
  itemsOf(body: unknown): unknown[] {
    const root = (body as { root?: { subscription?: unknown } } | null)?.root;
    const list = root !== undefined ? root?.subscription : body;
    if (Array.isArray(list)) return list;
    return list && typeof list === 'object' ? [list] : [];
  }

  async applyItem(actor: ActorContext, raw: unknown): Promise<V11ItemResult> {
    const echo = raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
    const item = plainToInstance(V11SubscriptionItemDto, echo);
    const issues = flattenValidationErrors(validateSync(item, { whitelist: true, forbidNonWhitelisted: true }));
    if (issues.length > 0) {
      const first = issues[0];
      return { ...echo, item_status: failure(Number(first.context?.code ?? CapillaryCode.INVALID_REQUEST), `${first.message} (${first.path})`) };
    }
    try {
      const customerId = await this.resolveCustomer(actor, item);
      const outcome = await this.consents.apply(actor, {
        customerId,
        changes: [
          {
            channel: item.channel === 'sms' ? Channel.SMS : Channel.EMAIL,
            topic: item.priority,
            accountId: '',
            address: '',
            status: item.is_subscribed === '1' ? ConsentStatus.OPTIN : ConsentStatus.OPTOUT,
          },
        ],
      });
      const changed = outcome.applied.length > 0;
      return {
        ...echo,
        user_id: customerId,
        item_status: {
          success: 'true',
          code: changed ? 1000 : CapillaryCode.UNCHANGED,
          message: changed ? 'Subscription updated successfully' : 'Subscription already in the requested state; nothing changed',
        },
      };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const [first] = capillaryErrors(classifyFailure(error));
      return { ...echo, item_status: failure(first.code, first.message) };
    }
  }

  private async resolveCustomer(actor: ActorContext, item: V11SubscriptionItemDto): Promise<number> {
    if (item.id) {
      const customer = await this.customers.requireCustomer(actor.orgId, Number(item.id));
      return customer.id;
    }
    for (const [field, type] of IDENTIFIER_FIELDS) {
      const value = item[field];
      if (value) return this.customers.lookup(actor.orgId, { source: 'ALL', accountId: '', type, value }, actor.phoneRegion);
    }
    throw new DomainError('invalid', 'IDENTIFIER_MISSING', 'One of mobile, email, external_id or id is required');
  }
}

const failure = (code: number, message: string): V11ItemStatus => ({ success: 'false', code, message });
