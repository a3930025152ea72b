import { ActorContext, ConsentHistoryService, ConsentsService, CustomersService } from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { toIdentifierQuery } from './capillary-customers.mapper';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import { toChangeLogEntry, toConsentChange, toSubscriptionList, toUpdateResponse } from './capillary-subscriptions.mapper';
import { ChangeLogQueryDto, LookupQueryDto } from './dto/customer-query.dto';
import { UpdateSubscriptionsDto } from './dto/update-subscriptions.dto';

/** Capillary v2 subscriptions of a customer: read, change, and the change log. */
@ApiTags('Capillary v2')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(CapillaryExceptionFilter)
@Controller('v2/customers')
export class CapillarySubscriptionsController {
  constructor(
    private readonly customers: CustomersService,
    private readonly consents: ConsentsService,
    private readonly history: ConsentHistoryService,
  ) {}

  @Get('lookup/subscriptions')
  @ApiOperation({ summary: 'Subscriptions of the customer an identifier belongs to' })
  async lookupSubscriptions(@Actor('capillary-v2') actor: ActorContext, @Query() query: LookupQueryDto) {
    const id = await this.customers.lookup(actor.orgId, toIdentifierQuery(query), actor.phoneRegion);
    return this.subscriptionsOf(actor.orgId, id);
  }

  @Get(':id/subscriptions')
  @ApiOperation({ summary: "The customer's subscriptions per channel, priority and account" })
  async subscriptions(@Actor('capillary-v2') actor: ActorContext, @Param('id', nativeCustomerId) id: number) {
    await this.customers.requireUnmerged(actor.orgId, id);
    return this.subscriptionsOf(actor.orgId, id);
  }

  @Post(':id/subscriptions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Opt a customer in or out; validated whole before anything is written' })
  async update(
    @Actor('capillary-v2') actor: ActorContext,
    @Param('id', nativeCustomerId) id: number,
    @Body() body: UpdateSubscriptionsDto,
  ) {
    const outcome = await this.consents.apply(actor, {
      customerId: id,
      changes: body.subscriptions.map(toConsentChange),
      reason: body.reason ?? null,
      campaignId: body.campaignId !== undefined ? String(body.campaignId) : null,
      communicationId: body.communicationId !== undefined ? String(body.communicationId) : null,
    });
    return toUpdateResponse(body, outcome);
  }

  @Get(':id/subscriptionStatusChangeLog')
  @ApiOperation({ summary: 'The consent ledger of a customer, newest first' })
  async changeLog(
    @Actor('capillary-v2') actor: ActorContext,
    @Param('id', nativeCustomerId) id: number,
    @Query() query: ChangeLogQueryDto,
  ) {
    await this.customers.requireUnmerged(actor.orgId, id);
    const page = await this.history.changeLog(actor.orgId, id, { limit: query.limit, offset: query.offset });
    return {
      pagination: { limit: query.limit, offset: query.offset, total: page.total },
      data: page.entries.map(toChangeLogEntry),
      warnings: [],
    };
  }

  private async subscriptionsOf(orgId: string, id: number) {
    return {
      subscriptions: toSubscriptionList(await this.consents.states(orgId, id)),
      campaignId: 0,
      communicationId: 0,
      warnings: [],
    };
  }
}
