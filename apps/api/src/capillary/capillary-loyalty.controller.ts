import { ActorContext, CustomersService, LoyaltyService } from '@app/domain';
import { Controller, Get, Param, Query, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import { toProgramDetails } from './capillary-loyalty.mapper';
import { LoyaltyDetailsQueryDto } from './dto/customer-query.dto';
import { CapillaryErrorBodyDto, LoyaltyDetailsResponseDto } from './dto/customer-responses.dto';

/** Capillary v2 loyalty details: the figures the points engine stored through `PUT /v1/customers/{id}/loyalty/{programId}`. */
@ApiTags('Capillary v2')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(CapillaryExceptionFilter)
@Controller('v2/customers')
export class CapillaryLoyaltyController {
  constructor(
    private readonly customers: CustomersService,
    private readonly loyalty: LoyaltyService,
  ) {}

  @Get(':id/loyaltyDetails')
  @ApiOperation({
    summary: "A customer's loyalty figures per program (one with programId); empty data when the points engine stored none",
    description: 'Codes: 8015 (no such customer), 8069 (merged into another customer), 1100 (programId not a positive integer).',
  })
  @ApiOkResponse({ type: LoyaltyDetailsResponseDto, description: 'Figures per program; data is empty when none were stored' })
  @ApiNotFoundResponse({ type: CapillaryErrorBodyDto })
  async details(@Actor('capillary-v2') actor: ActorContext, @Param('id', nativeCustomerId) id: number, @Query() query: LoyaltyDetailsQueryDto) {
    await this.customers.requireUnmerged(actor.orgId, id);
    const programs = await this.loyalty.programs(actor.orgId, id, query.programId);
    return { data: programs.map(toProgramDetails), warnings: [], errors: [] };
  }
}
