import { ActorContext, ConsentDecisionsService } from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { toConsentAnswer, toCustomerConsentQuestion, toDecisionItem } from './consent-decision.mapper';
import { ConsentDecisionsDto, MAX_DECISION_QUESTIONS } from './dto/consent-decisions.dto';
import { ConsentQuestionDto } from './dto/consent-question.dto';

/** optline's own "may I send?": the one place campaign tools get the precedence rule applied. */
@ApiTags('Consent')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1')
export class ConsentDecisionController {
  constructor(private readonly decisions: ConsentDecisionsService) {}

  @Get('customers/:id/consent')
  @ApiOperation({
    summary: 'May I send to this customer on this channel and topic (and address)?',
    description:
      'Answers { allowed, status, decidedBy } with the deciding record and its ledger entry; decidedBy is null when no record applies and the implicit opt-in decided. ' +
      'Without address, every address-level record of the channel and topic counts: one that forbids sending forbids the whole, and `addresses` answers each address on its own. ' +
      'A merged customer is answered by its survivor, named in `mergedInto`.',
  })
  async consent(@Actor('native') actor: ActorContext, @Param('id', nativeCustomerId) id: number, @Query() query: ConsentQuestionDto) {
    return toConsentAnswer(await this.decisions.decide(actor.orgId, id, query));
  }

  @Post('consent/decisions')
  @HttpCode(200)
  @ApiOperation({
    summary: `Answer up to ${MAX_DECISION_QUESTIONS.toLocaleString('en')} consent questions at once, in request order`,
    description:
      'Each item is answered as GET /v1/customers/{id}/consent would answer it, plus the customerId it is about; an unknown customer is that item\'s `error` (CUSTOMER_NOT_FOUND). ' +
      'A malformed item refuses the whole request (400, naming the item).',
  })
  async decide(@Actor('native') actor: ActorContext, @Body() body: ConsentDecisionsDto) {
    const outcomes = await this.decisions.decideAll(actor.orgId, body.questions.map(toCustomerConsentQuestion));
    return { decisions: outcomes.map(toDecisionItem) };
  }
}
