import { SEARCH_MATCH_CAP, SearchMatch, SearchResult } from '@app/domain';
import { CapillaryCode } from './capillary-codes';

/** A match as the page names it: idType firstName, lastName, or the identifier's type. */
const toMatchedIdentifier = (match: SearchMatch) => ({
  idType: match.field === 'identifier' ? match.identifierType : match.field,
  idValue: match.value,
  source: match.source,
  accountId: match.accountId,
});

/** GET /v2/customers/search, in the page's shape. */
export function toSearchResponse(result: SearchResult, page: { limit: number; offset: number }) {
  return {
    pagination: { limit: page.limit, offset: page.offset, total: result.total },
    data: result.customers.map((found) => ({
      userId: found.customerId,
      matchedIdentifiers: found.matches.map(toMatchedIdentifier),
      profiles: found.profiles.map((p) => ({ source: p.source, accountId: p.accountId, firstName: p.firstName ?? '', lastName: p.lastName ?? '' })),
    })),
    warnings: result.truncated
      ? [
          {
            code: CapillaryCode.SEARCH_TRUNCATED,
            message: `More than ${SEARCH_MATCH_CAP} names and identifiers start with this text; total and pages cover the first ${SEARCH_MATCH_CAP}. Use a longer q`,
          },
        ]
      : [],
    errors: [],
  };
}
