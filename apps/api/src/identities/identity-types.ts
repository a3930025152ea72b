import { CUSTOMER_SOURCES, IDENTIFIER_TYPES, isMultiAccountSource, SourcedIdentifier } from '@app/domain';
import { ALTCRAFT_PROFILE_ID, ALTCRAFT_SOURCE } from '../altcraft/altcraft.mapper';
import { plausibleFor } from '../common/identifier-values';
import { RequestValidationError } from '../common/request-validation.error';
import { WM_CUSTOMER_ID, WM_SOURCE } from '../wm/wm-vocabulary';

/**
 * The identity types the native API speaks, and where each lives in the domain: Capillary's
 * identifiers in a Capillary source, and each dialect's own customer key stored as the identifier
 * that dialect already looks customers up by (so attaching one makes the dialect find this customer).
 */
export const ALTCRAFT_PROFILE = 'altcraftProfile';
export const WM_CUSTOMER = 'wmCustomer';
export const IDENTITY_TYPES: readonly string[] = [...IDENTIFIER_TYPES, ALTCRAFT_PROFILE, WM_CUSTOMER];
const DEFAULT_SOURCE = 'INSTORE';

export interface NativeIdentity {
  type: string;
  value: string;
  source?: string;
  accountId?: string;
}

/** Capillary's identifiers name a person in every source: one held anywhere counts as held. */
export const heldAcrossSources = (type: string) => (IDENTIFIER_TYPES as readonly string[]).includes(type);

const refuse = (path: string, value: unknown, message: string): never => {
  throw new RequestValidationError([{ path, property: path, value, message }]);
};

/** The domain's identifier for a native identity; refuses what the type does not allow (400). */
export function toSourcedIdentity(input: NativeIdentity): SourcedIdentifier {
  const { type, value } = input;
  if (!IDENTITY_TYPES.includes(type)) refuse('type', type, `type must be one of ${IDENTITY_TYPES.join(', ')}`);
  if (typeof value !== 'string' || value.trim() === '') refuse('value', value, 'value must be a non-empty string');
  if (type === ALTCRAFT_PROFILE) {
    if (!input.accountId) refuse('accountId', input.accountId, "accountId (the profile's db_id) is required for altcraftProfile");
    return { source: ALTCRAFT_SOURCE, accountId: String(input.accountId), type: ALTCRAFT_PROFILE_ID, value };
  }
  if (type === WM_CUSTOMER) {
    if (!/^\d{1,20}$/.test(value)) refuse('value', value, "a wmCustomer is WM's customer number: digits only");
    return { source: WM_SOURCE, accountId: '', type: WM_CUSTOMER_ID, value };
  }
  const source = input.source ?? DEFAULT_SOURCE;
  if (!(CUSTOMER_SOURCES as readonly string[]).includes(source)) refuse('source', source, `source must be one of ${CUSTOMER_SOURCES.join(', ')}`);
  if (isMultiAccountSource(source) && !input.accountId) refuse('accountId', input.accountId, `accountId is required for source ${source}`);
  if (!plausibleFor(type, value)) refuse('value', value, `value is not a valid ${type}`);
  return { source, accountId: isMultiAccountSource(source) ? String(input.accountId) : '', type, value };
}

/** A stored identifier as the native API names it. */
export function toNativeIdentity(identity: SourcedIdentifier): NativeIdentity {
  const { source, accountId, type, value } = identity;
  if (source === ALTCRAFT_SOURCE && type === ALTCRAFT_PROFILE_ID) return { type: ALTCRAFT_PROFILE, value, accountId };
  if (source === WM_SOURCE && type === WM_CUSTOMER_ID) return { type: WM_CUSTOMER, value };
  return { type, value, source, ...(accountId ? { accountId } : {}) };
}
