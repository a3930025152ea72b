import { allowsSending, Consent, ConsentStatus, IdentifiedCommand, normalizeAddress } from '@app/domain';
import { CommunicationPreferencesDto } from './dto/communication-preferences.dto';
import { optlineChannelOf, WM_CUSTOMER_ID, WM_SOURCE, wmChannelNameOf } from './wm-vocabulary';

export const wmIdentity = (customerId: string) => ({ source: WM_SOURCE, accountId: '', type: WM_CUSTOMER_ID, value: customerId });

/**
 * Every selection is one address-level consent; category is the topic, ClientId the ledger's
 * source. `phoneRegion`: where the org reads national phone numbers (the caller's ActorContext).
 */
export function toWmCommand(
  customerId: string,
  clientId: string,
  dto: CommunicationPreferencesDto,
  phoneRegion?: string,
): IdentifiedCommand {
  return {
    identity: wmIdentity(customerId),
    changes: dto.preferences.flatMap((preference) =>
      preference.channels.flatMap((channel) =>
        channel.selections.map((selection) => ({
          channel: optlineChannelOf(channel.name),
          topic: preference.category.trim(),
          accountId: '',
          address: normalizeAddress(optlineChannelOf(channel.name), selection.value, phoneRegion),
          addressType: selection.type ?? null,
          status: selection.is_opt_in === 'Y' ? ConsentStatus.OPTIN : ConsentStatus.OPTOUT,
          sourceName: clientId,
        })),
      ),
    ),
    actorName: dto.audit_info?.modified_by ?? null,
    createMissing: true,
  };
}

export const wmSuccess = (trackingId: string) => ({ status: 'Success', request_tracking_id: trackingId });

/** The current preferences in the PUT body's shape: address-level records of WM's channels, by category. */
export function toWmPreferences(records: Consent[]) {
  const byCategory = new Map<string, Map<string, Array<{ value: string; type?: string; is_opt_in: 'Y' | 'N' }>>>();
  for (const record of records) {
    const name = wmChannelNameOf(record.channel);
    if (!name || record.address === '' || record.accountId !== '') continue;
    const channels = byCategory.get(record.topic) ?? new Map();
    byCategory.set(record.topic, channels);
    const selections = channels.get(name) ?? [];
    channels.set(name, selections);
    selections.push({
      value: record.address,
      ...(record.addressType ? { type: record.addressType } : {}),
      is_opt_in: allowsSending(record.status) ? 'Y' : 'N',
    });
  }
  return [...byCategory].map(([category, channels]) => ({
    category,
    channels: [...channels].map(([name, selections]) => ({ name, selections })),
  }));
}
