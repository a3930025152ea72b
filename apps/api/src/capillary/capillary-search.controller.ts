import { ActorContext, CustomerSearchService, isMultiAccountSource } from '@app/domain';
import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import { toSearchResponse } from './capillary-search.mapper';
import { SearchQueryDto } from './dto/customer-query.dto';
import { CapillaryErrorBodyDto, SearchResponseDto } from './dto/customer-responses.dto';

/** Capillary v2 advanced customer search: customers by name or identifier prefix, across sources. */
@ApiTags('Capillary v2')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(CapillaryExceptionFilter)
@Controller('v2/customers')
export class CapillarySearchController {
  constructor(private readonly search: CustomerSearchService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Customers whose first name, last name or any identifier starts with q (any case), in customer id order',
    description:
      'Digits also match E.164 mobiles (q=9198 finds +9198…). `source` (and `accountId` for WECHAT/FACEBOOK) narrows matches and profiles to one source. ' +
      'One search reads at most 10,000 matching names and identifiers: past that, warning 8101 and a total over those. Codes: 1100 (no q), 8011 (invalid source), 8045 (no accountId).',
  })
  @ApiOkResponse({ type: SearchResponseDto, description: 'A page of matching customers with what matched' })
  @ApiBadRequestResponse({ type: CapillaryErrorBodyDto })
  async find(@Actor('capillary-v2') actor: ActorContext, @Query() query: SearchQueryDto) {
    const place =
      query.source === undefined || query.source === 'ALL'
        ? undefined
        : { source: query.source, accountId: isMultiAccountSource(query.source) ? query.accountId ?? '' : '' };
    const result = await this.search.search(actor.orgId, { text: query.q, place, limit: query.limit, offset: query.offset });
    return toSearchResponse(result, query);
  }
}
