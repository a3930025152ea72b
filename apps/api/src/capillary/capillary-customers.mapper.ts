import {
  CustomerUpdate,
  CustomerUpdateResult,
  CustomerView,
  IdentifierChange,
  isMultiAccountSource,
  RegisterCustomer,
} from '@app/domain';
import { CapillaryCode } from './capillary-codes';
import { ChangeIdentifierDto } from './dto/change-identifier.dto';
import { LookupQueryDto } from './dto/customer-query.dto';
import { RegisterCustomerDto } from './dto/register-customer.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';

/** `?source=&accountId=&identifierName=&identifierValue=` as the domain's identifier query. */
export const toIdentifierQuery = (query: LookupQueryDto) => ({
  source: query.source,
  accountId: query.accountId ?? '',
  type: query.identifierName,
  value: query.identifierValue,
});

/** Capillary's warning when a customer was joined to the one already holding an identifier. */
export const mergedIntoWarning = (survivorId: number) => ({
  code: CapillaryCode.MERGED_INTO_EXISTING,
  message: `Same identifier found in other source. Merging into the account with user id ${survivorId}`,
});

export function toIdentifierChange(source: string, accountId: string | undefined, dto: ChangeIdentifierDto): IdentifierChange {
  const value = ({ type, value }: { type: string; value: string }) => ({ type, value });
  return {
    source,
    // Single-account sources have one account, ''; whatever the caller sent is not part of the key.
    accountId: isMultiAccountSource(source) ? accountId ?? '' : '',
    add: dto.add.map(value),
    remove: dto.remove.map(value),
  };
}

export function toRegisterCommand(
  source: string,
  accountId: string | undefined,
  dto: RegisterCustomerDto,
  createdBy: string | null,
): RegisterCustomer {
  return {
    createdBy,
    source,
    accountId: accountId ?? '',
    loyaltyType: dto.loyaltyInfo?.loyaltyType,
    extendedFields: dto.extendedFields,
    profiles: dto.profiles.map((p) => ({
      firstName: p.firstName,
      lastName: p.lastName,
      fields: p.fields,
      identifiers: p.identifiers.map((i) => ({ type: i.type, value: i.value })),
      commChannels: p.commChannels?.map((c) => ({ ...c })),
    })),
  };
}

/** The account a profile lives in: single-account sources have one, ''. */
const accountOf = (source: string, accountId: string | undefined) => (isMultiAccountSource(source) ? accountId ?? '' : '');

/** Several profiles in one update for its one source are one profile, as in a registration. */
export function toCustomerUpdate(source: string, accountId: string | undefined, dto: UpdateCustomerDto): CustomerUpdate {
  const defined = <T>(values: Array<T | undefined>) => values.find((v) => v !== undefined);
  const profiles = dto.profiles;
  const fields = profiles.filter((p) => p.fields).map((p) => p.fields);
  const channels = profiles.filter((p) => p.commChannels);
  return {
    source,
    accountId: accountOf(source, accountId),
    firstName: defined(profiles.map((p) => p.firstName)),
    lastName: defined(profiles.map((p) => p.lastName)),
    fields: fields.length ? Object.assign({}, ...fields) : undefined,
    commChannels: channels.length ? channels.flatMap((p) => p.commChannels!.map((c) => ({ ...c }))) : undefined,
    loyaltyType: dto.loyaltyInfo?.loyaltyType,
    extendedFields: dto.extendedFields,
    identifiers: profiles.flatMap((p) => p.identifiers ?? []).map(({ type, value }) => ({ type, value })),
  };
}

/**
 * What an update did not do, said as warnings: identifiers the profile does not hold (an update
 * never adds them), a profile naming another source or account than the query's (the query's
 * profile was updated), and a merged customer's id (its survivor was updated).
 */
export function updateWarnings(query: { source: string; accountId?: string }, dto: UpdateCustomerDto, result: CustomerUpdateResult) {
  const warnings: Array<{ code: number; message: string }> = [];
  if (result.mergedInto !== null) {
    warnings.push({
      code: CapillaryCode.CUSTOMER_MERGED,
      message: `The customer is merged into another account with user id ${result.mergedInto}; that account was updated`,
    });
  }
  for (const i of result.identifiersNotHeld) {
    warnings.push({
      code: CapillaryCode.NOT_CHANGED_BY_UPDATE,
      message: `Identifier ${i.type} ${i.value} not added: identifiers cannot be updated with this API (use changeIdentifier)`,
    });
  }
  const accountId = accountOf(query.source, query.accountId);
  for (const p of dto.profiles) {
    const otherSource = p.source !== undefined && p.source !== query.source;
    const otherAccount = p.accountId !== undefined && isMultiAccountSource(query.source) && p.accountId !== accountId;
    if (otherSource || otherAccount) {
      warnings.push({
        code: CapillaryCode.NOT_CHANGED_BY_UPDATE,
        message: `Source cannot be modified: the profile in ${query.source}${accountId ? ` account ${accountId}` : ''} was updated, not ${p.source ?? query.source}${p.accountId ? ` account ${p.accountId}` : ''}`,
      });
    }
  }
  return warnings;
}

/** Who registered or changed a profile, in the page's attribution shape (an API key, by id). */
const byKey = (apiKeyId: string | null) =>
  apiKeyId === null ? undefined : { code: apiKeyId, description: '', name: apiKeyId, type: 'API_KEY' };

/** GET /v2/customers/{id}, shaped as the page's sample. */
export function toCustomerResponse(view: CustomerView) {
  const { customer } = view;
  return {
    id: customer.id,
    profiles: view.profiles.map((p) => ({
      firstName: p.firstName ?? '',
      lastName: p.lastName ?? '',
      attribution: {
        createDate: p.createdAt.toISOString(),
        createdBy: byKey(p.createdBy),
        modifiedBy: byKey(p.modifiedBy),
        modifiedDate: p.updatedAt.toISOString(),
      },
      fields: p.fields,
      identifiers: p.identifiers,
      commChannels: p.commChannels,
      source: p.source,
      accountId: p.accountId,
      userId: customer.id,
      conflictingProfileList: [],
      autoUpdateTime: p.updatedAt.toISOString(),
    })),
    loyaltyInfo: {
      loyaltyType: customer.loyaltyType,
      attributionV2: { createDate: customer.createdAt.toISOString(), modifiedDate: customer.updatedAt.toISOString() },
    } as Record<string, unknown>,
    segments: {},
    extendedFields: customer.extendedFields,
    warnings: [] as unknown[],
  };
}
