import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bindNamed } from '../common/named-params';
import { poolQuery } from '../common/raw-client';

/**
 * At most this many matching rows (identifiers and names) are read per search, so that a short
 * prefix in a large org costs a bounded index range, not a scan of every customer. Past it the
 * result says it is truncated, and its total counts the customers among these rows.
 */
export const SEARCH_MATCH_CAP = 10_000;

export type SearchField = 'identifier' | 'firstName' | 'lastName';

export interface SearchQuery {
  /** The prefix, any case. */
  text: string;
  /** Narrows matches and profiles to one source (and account); every source when omitted. */
  place?: { source: string; accountId: string };
  limit: number;
  offset: number;
}

export interface SearchMatch {
  field: SearchField;
  /** The identifier's type (mobile, email ...); null for a name. */
  identifierType: string | null;
  value: string;
  source: string;
  accountId: string;
}

export interface SearchProfile {
  source: string;
  accountId: string;
  firstName: string | null;
  lastName: string | null;
}

export interface FoundCustomer {
  customerId: number;
  matches: SearchMatch[];
  profiles: SearchProfile[];
}

export interface SearchResult {
  total: number;
  /** More than SEARCH_MATCH_CAP rows matched: `total` and the pages cover only the first ones. */
  truncated: boolean;
  customers: FoundCustomer[];
}

/** What people put between a phone number's digits. */
const PHONE_SEPARATORS = /[\s\-()./]/g;

/**
 * The lower-case prefixes a search text stands for. Mobiles are stored in E.164, so digits typed
 * without their `+` (or after `00`) also look for `+<digits>`: "91987" finds +919876543210.
 */
export function searchPrefixes(text: string): string[] {
  const lowered = text.trim().toLowerCase();
  const phone = lowered.replace(PHONE_SEPARATORS, '');
  const prefixes = [lowered];
  if (/^\d+$/.test(phone)) prefixes.push(phone.startsWith('00') ? `+${phone.slice(2)}` : `+${phone}`);
  else if (/^\+\d+$/.test(phone)) prefixes.push(phone);
  return [...new Set(prefixes)];
}

/** A LIKE pattern matching values that start with `prefix` literally (its % and _ are not wildcards). */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

interface PageRow {
  matched_rows: number;
  total: number;
  customer_id: string | null;
  matches: Array<{ field: SearchField; identifier_type: string | null; value: string; source: string; account_id: string }> | null;
}

/**
 * Customers whose first name, last name or any identifier value starts with a text,
 * case-insensitively, across sources. Every branch is a range scan of a `lower(x)
 * text_pattern_ops` index (migration 1764700000000), capped at SEARCH_MATCH_CAP rows.
 */
@Injectable()
export class CustomerSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(orgId: string, query: SearchQuery): Promise<SearchResult> {
    const { text, values } = searchStatement(orgId, query);
    // Unnamed statements only: Postgres plans them with the values bound, which is what turns
    // `LIKE 'tom%'` into an index range. A named statement may switch to a generic plan, blind
    // to the pattern, after five runs.
    const rows: PageRow[] = await poolQuery(this.dataSource)(text, values);
    const page = rows.filter((r) => r.customer_id !== null);
    const profiles = await this.profilesOf(orgId, page.map((r) => Number(r.customer_id)), query.place);
    return {
      total: rows[0]?.total ?? 0,
      truncated: (rows[0]?.matched_rows ?? 0) > SEARCH_MATCH_CAP,
      customers: page.map((row) => {
        const customerId = Number(row.customer_id);
        return {
          customerId,
          matches: (row.matches ?? []).map((m) => ({
            field: m.field,
            identifierType: m.identifier_type,
            value: m.value,
            source: m.source,
            accountId: m.account_id,
          })),
          profiles: profiles.filter((p) => p.customerId === customerId).map(({ customerId: _, ...profile }) => profile),
        };
      }),
    };
  }

  private async profilesOf(orgId: string, customerIds: number[], place: SearchQuery['place']) {
    if (customerIds.length === 0) return [];
    const rows: Array<{ customer_id: string; source: string; account_id: string; first_name: string | null; last_name: string | null }> =
      await poolQuery(this.dataSource)(
        `SELECT customer_id, source, account_id, first_name, last_name FROM customer_profiles
          WHERE org_id = $1 AND customer_id = ANY($2::bigint[]) AND ($3::text IS NULL OR (source = $3 AND account_id = $4))
          ORDER BY id`,
        [orgId, customerIds, place?.source ?? null, place?.accountId ?? ''],
      );
    return rows.map((r) => ({
      customerId: Number(r.customer_id),
      source: r.source,
      accountId: r.account_id,
      firstName: r.first_name,
      lastName: r.last_name,
    }));
  }
}

/**
 * One statement: the capped matches (one UNION ALL branch per prefix and column, each an index
 * range scan that stops at the cap), the distinct live customers among them, and one page of them
 * in id order with their matches.
 */
export function searchStatement(orgId: string, query: SearchQuery): { text: string; values: unknown[] } {
  const prefixes = searchPrefixes(query.text);
  // Only the values the text uses: Postgres cannot type a parameter that appears nowhere.
  const { $, values } = bindNamed<Record<string, unknown>>({
    orgId,
    namePattern: startsWith(prefixes[0]),
    ...(query.place ? { source: query.place.source, accountId: query.place.accountId } : {}),
    cap: SEARCH_MATCH_CAP + 1,
    limit: query.limit,
    offset: query.offset,
    ...Object.fromEntries(prefixes.map((p, i) => [`identifierPattern${i}`, startsWith(p)])),
  });
  const inPlace = query.place ? `AND source = ${$.source} AND account_id = ${$.accountId}` : '';
  const identifierBranches = prefixes.map(
    (_, i) => `(SELECT customer_id, 'identifier' AS field, type AS identifier_type, value, source, account_id
        FROM customer_identifiers WHERE org_id = ${$.orgId} AND lower(value) LIKE ${$[`identifierPattern${i}`]} ${inPlace})`,
  );
  const nameBranch = (column: string, field: SearchField) =>
    `(SELECT customer_id, '${field}', NULL, ${column}, source, account_id
        FROM customer_profiles WHERE org_id = ${$.orgId} AND lower(${column}) LIKE ${$.namePattern} ${inPlace})`;
  const branches = [...identifierBranches, nameBranch('first_name', 'firstName'), nameBranch('last_name', 'lastName')];
  const text = `
    WITH matched AS MATERIALIZED (
      -- One row past the cap, to tell a truncated search from one that matched exactly the cap.
      SELECT row_number() OVER () AS n, m.* FROM (SELECT * FROM (${branches.join(' UNION ALL ')}) u LIMIT ${$.cap}) m
    ), found AS (
      SELECT DISTINCT m.customer_id FROM matched m
        JOIN customers c ON c.org_id = ${$.orgId} AND c.id = m.customer_id AND c.merged_into IS NULL
       WHERE m.n <= ${SEARCH_MATCH_CAP}
    ), page AS (
      SELECT customer_id FROM found ORDER BY customer_id LIMIT ${$.limit} OFFSET ${$.offset}
    )
    SELECT (SELECT count(*) FROM matched)::int AS matched_rows, (SELECT count(*) FROM found)::int AS total, p.customer_id,
           (SELECT json_agg(json_build_object('field', m.field, 'identifier_type', m.identifier_type, 'value', m.value,
                                              'source', m.source, 'account_id', m.account_id) ORDER BY m.n)
              FROM matched m WHERE m.customer_id = p.customer_id AND m.n <= ${SEARCH_MATCH_CAP}) AS matches
      FROM (SELECT 1) AS one LEFT JOIN page p ON true
     ORDER BY p.customer_id`;
  return { text, values };
}
