import { ActorContext, ConsentDecisionsService, ErrorCodes, notFound } from '@app/domain';
import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { toConsentAnswer } from './consent-decision.mapper';
import { ConsentQuestionDto } from './dto/consent-question.dto';

const customerId = new ParseIntPipe({
  exceptionFactory: () => notFound(ErrorCodes.CUSTOMER_NOT_FOUND, 'No customer found with the given identifier'),
});

/** optline's own "may I send?": the one place campaign tools get the precedence rule applied. */
@ApiTags('Consent')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/customers')
export class ConsentDecisionController {
  constructor(private readonly decisions: ConsentDecisionsService) {}

  @Get(':id/consent')
  @ApiOperation({
    summary: 'May I send to this customer on this channel and topic (and address)?',
    description: 'Answers { allowed, status, decidedBy } with the deciding record and its ledger entry; decidedBy is null when no record applies and the implicit opt-in decided.',
  })
  async consent(@Actor('native') actor: ActorContext, @Param('id', customerId) id: number, @Query() query: ConsentQuestionDto) {
    return toConsentAnswer(await this.decisions.decide(actor.orgId, id, query));
  }
}
