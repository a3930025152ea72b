import { CustomerView, IdentifierChange, isMultiAccountSource, RegisterCustomer } from '@app/domain';
import { CapillaryCode } from './capillary-codes';
import { ChangeIdentifierDto } from './dto/change-identifier.dto';
import { RegisterCustomerDto } from './dto/register-customer.dto';

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

export function toRegisterCommand(source: string, accountId: string | undefined, dto: RegisterCustomerDto): RegisterCustomer {
  return {
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
    },
    segments: {},
    extendedFields: customer.extendedFields,
    warnings: [] as unknown[],
  };
}
