import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { customersOfPerson } from './person-customers';

/** Everything optline holds about one person, as GDPR article 15 asks: one JSON document. */
export interface PersonExport {
  customerId: number;
  exportedAt: string;
  /** The person's customers: the one named (its survivor) and every customer merged into it. */
  customers: unknown[];
  profiles: unknown[];
  identifiers: unknown[];
  consents: unknown[];
  /** The whole ledger, every change with its proof, in the order it was written. */
  ledger: unknown[];
  /** Events about the person, each with where it was delivered and how that went. */
  events: unknown[];
}

@Injectable()
export class PersonExportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export(orgId: string, customerId: number): Promise<PersonExport> {
    const ids = await customersOfPerson((text, params) => this.dataSource.query(text, params), orgId, customerId, false);
    const survivor = ids[0];
    const query = (sql: string) => this.dataSource.query(sql, [orgId, ids]);
    return {
      customerId: survivor,
      exportedAt: new Date().toISOString(),
      customers: await query(
        `SELECT id::int AS "customerId", loyalty_type AS "loyaltyType", extended_fields AS "extendedFields", merged_into::int AS "mergedInto",
           merged_at AS "mergedAt", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM customers WHERE org_id = $1 AND id = ANY($2::bigint[]) ORDER BY id`,
      ),
      profiles: await query(
        `SELECT customer_id::int AS "customerId", source, account_id AS "accountId", first_name AS "firstName", last_name AS "lastName",
           fields, comm_channels AS "commChannels", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM customer_profiles WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY id`,
      ),
      identifiers: await query(
        `SELECT customer_id::int AS "customerId", source, account_id AS "accountId", type, value
         FROM customer_identifiers WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY id`,
      ),
      consents: await query(
        `SELECT customer_id::int AS "customerId", channel, topic, account_id AS "accountId", address, address_type AS "addressType", status,
           occurred_at AS "occurredAt", last_ledger_id::int AS "ledgerId"
         FROM consents WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY id`,
      ),
      ledger: await query(
        `SELECT id::int AS "ledgerId", customer_id::int AS "customerId", channel, topic, account_id AS "accountId", address,
           address_type AS "addressType", previous_status AS "previousStatus", status, dialect, source_name AS "sourceName",
           actor, reason, campaign_id AS "campaignId", communication_id AS "communicationId", org_unit_id AS "orgUnitId",
           ip, user_agent AS "userAgent", request_id AS "requestId", proof, event_id AS "eventId", occurred_at AS "occurredAt",
           superseded_by_occurred_at AS "supersededByOccurredAt", created_at AS "recordedAt"
         FROM consent_ledger WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY id`,
      ),
      events: await query(
        `SELECT e.id AS "eventId", e.type, e.customer_id::int AS "customerId", e.channel, e.campaign_id AS "campaignId",
           e.campaign_name AS "campaignName", e.recipient, e.payload, e.occurred_at AS "occurredAt", e.created_at AS "recordedAt",
           COALESCE((SELECT jsonb_agg(jsonb_build_object(
               'subscription', s.name, 'state', COALESCE(b.state, d.state), 'replay', d.replay,
               'deliveredAt', b.delivered_at, 'failedAt', b.failed_at)
               || CASE WHEN d.skip_reason IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('skipReason', d.skip_reason) END ORDER BY d.id)
             FROM deliveries d JOIN event_subscriptions s ON s.id = d.subscription_id
             LEFT JOIN delivery_batches b ON b.id = d.batch_id
             WHERE d.org_id = $1 AND d.event_id = e.id), '[]'::jsonb) AS deliveries
         FROM events e WHERE e.org_id = $1 AND e.customer_id = ANY($2::bigint[]) ORDER BY e.seq`,
      ),
    };
  }
}
