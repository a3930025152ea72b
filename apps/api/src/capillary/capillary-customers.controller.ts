import {
  ActorContext,
  ConsentHistoryService,
  ConsentsService,
  CustomerIdentitiesService,
  CustomersService,
  ErrorCodes,
} from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { CapillaryCode } from './capillary-codes';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import { mergedIntoWarning, toCustomerResponse, toIdentifierChange, toRegisterCommand } from './capillary-customers.mapper';
import {
  toChangeLogEntry,
  toConsentChange,
  toSubscriptionList,
  toUpdateResponse,
} from './capillary-subscriptions.mapper';
import { ChangeIdentifierDto } from './dto/change-identifier.dto';
import { ChangeLogQueryDto, FetchQueryDto, LookupQueryDto, RegisterQueryDto } from './dto/customer-query.dto';
import { RegisterCustomerDto } from './dto/register-customer.dto';
import { UpdateSubscriptionsDto } from './dto/update-subscriptions.dto';

/** A non-numeric id is an unknown customer, as Capillary answers it (the native paths' rule too). */
const customerId = nativeCustomerId;

/** Capillary v2 Customer API: the customer endpoints subscriptions need, and subscriptions. */
@ApiTags('Capillary v2')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(CapillaryExceptionFilter)
@Controller('v2/customers')
export class CapillaryCustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly consents: ConsentsService,
    private readonly identities: CustomerIdentitiesService,
    private readonly history: ConsentHistoryService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Register a customer in a source' })
  async register(@Actor('capillary-v2') actor: ActorContext, @Query() query: RegisterQueryDto, @Body() body: RegisterCustomerDto) {
    const result = await this.customers.register(actor.orgId, toRegisterCommand(query.source, query.accountId, body), actor.phoneRegion);
    const warnings = result.tagged ? [mergedIntoWarning(result.customerId)] : [];
    return { createdId: result.customerId, warnings };
  }

  @Post(':id/changeIdentifier')
  @HttpCode(200)
  // This page calls an unknown customer 8009, where the others say 8015.
  @UseFilters(new CapillaryExceptionFilter({ [ErrorCodes.CUSTOMER_NOT_FOUND]: CapillaryCode.CUSTOMER_ID_INVALID }))
  @ApiOperation({
    summary: "Add and remove a customer's identifiers in a source",
    description:
      'An added identifier that another customer holds in another source merges this customer (the victim) into that one (the survivor), with warning 8051 naming it.',
  })
  async changeIdentifier(
    @Actor('capillary-v2') actor: ActorContext,
    @Param('id', customerId) id: number,
    @Query() query: RegisterQueryDto,
    @Body() body: ChangeIdentifierDto,
  ) {
    const result = await this.identities.changeIdentifiers(actor, id, toIdentifierChange(query.source, query.accountId, body));
    return { success: true, warnings: result.mergedInto === null ? [] : [mergedIntoWarning(result.mergedInto)] };
  }

  @Get('lookup')
  @ApiOperation({ summary: 'Find a customer id by identifier' })
  async lookup(@Actor('capillary-v2') actor: ActorContext, @Query() query: LookupQueryDto) {
    const id = await this.customers.lookup(actor.orgId, this.identifierQuery(query), actor.phoneRegion);
    return { entity: id, warnings: [] };
  }

  @Get('lookup/subscriptions')
  @ApiOperation({ summary: 'Subscriptions of the customer an identifier belongs to' })
  async lookupSubscriptions(@Actor('capillary-v2') actor: ActorContext, @Query() query: LookupQueryDto) {
    const id = await this.customers.lookup(actor.orgId, this.identifierQuery(query), actor.phoneRegion);
    return this.subscriptionsOf(actor.orgId, id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Fetch a customer; embed=subscriptions adds subscriptionInfo' })
  async fetch(@Actor('capillary-v2') actor: ActorContext, @Param('id', customerId) id: number, @Query() query: FetchQueryDto) {
    const view = await this.customers.fetch(actor.orgId, id, query.source, query.accountId ?? '');
    const body: Record<string, unknown> = toCustomerResponse(view);
    const embeds = (query.embed ?? '').split(',').map((e) => e.trim().replace(/"/g, ''));
    if (embeds.includes('subscriptions')) {
      body.subscriptionInfo = { subscriptions: toSubscriptionList(await this.consents.states(actor.orgId, id)) };
    }
    return body;
  }

  @Get(':id/subscriptions')
  @ApiOperation({ summary: "The customer's subscriptions per channel, priority and account" })
  async subscriptions(@Actor('capillary-v2') actor: ActorContext, @Param('id', customerId) id: number) {
    await this.customers.requireUnmerged(actor.orgId, id);
    return this.subscriptionsOf(actor.orgId, id);
  }

  @Post(':id/subscriptions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Opt a customer in or out; validated whole before anything is written' })
  async update(
    @Actor('capillary-v2') actor: ActorContext,
    @Param('id', customerId) id: number,
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
    @Param('id', customerId) id: number,
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

  private identifierQuery(query: LookupQueryDto) {
    return { source: query.source, accountId: query.accountId ?? '', type: query.identifierName, value: query.identifierValue };
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
