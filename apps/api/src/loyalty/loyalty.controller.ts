import { ActorContext, LoyaltyService } from '@app/domain';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { LoyaltyFiguresDto, LoyaltyProgramResponseDto } from './dto/loyalty-figures.dto';
import { toLoyaltyFigures, toLoyaltyProgramResponse } from './loyalty.mapper';
import { programIdParam } from './program-id.pipe';

/**
 * Loyalty figures per customer and program, written by the points engine (optline computes none)
 * and served to the dialects that read them (Capillary's loyaltyDetails and fetch embeds).
 */
@ApiTags('Loyalty')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/customers')
export class LoyaltyController {
  constructor(private readonly loyalty: LoyaltyService) {}

  @Put(':id/loyalty/:programId')
  @ApiOperation({
    summary: "Store one program's figures for a customer, replacing those held",
    description: 'A merged customer id stores them for its survivor (`mergedInto`). Another org’s customer is a 404.',
  })
  @ApiOkResponse({ type: LoyaltyProgramResponseDto, description: 'The program figures as stored' })
  @ApiBadRequestResponse({ description: 'A field out of range, or programId not a positive integer' })
  @ApiNotFoundResponse({ description: 'No such customer in this org' })
  async record(
    @Actor('native') actor: ActorContext,
    @Param('id', nativeCustomerId) id: number,
    @Param('programId', programIdParam) programId: number,
    @Body() body: LoyaltyFiguresDto,
  ) {
    const recorded = await this.loyalty.record(actor, id, programId, toLoyaltyFigures(body));
    return toLoyaltyProgramResponse(recorded);
  }
}
