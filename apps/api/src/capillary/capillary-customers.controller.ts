import {
  ActorContext,
  ConsentsService,
  CustomerIdentitiesService,
  CustomersService,
  CustomerUpdateService,
  ErrorCodes,
  LoyaltyService,
} from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { CapillaryCode } from './capillary-codes';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import {
  mergedIntoWarning,
  toCustomerResponse,
  toCustomerUpdate,
  toIdentifierChange,
  toIdentifierQuery,
  toRegisterCommand,
  updateWarnings,
} from './capillary-customers.mapper';
import { pointsSummaryOf, toProgramDetails } from './capillary-loyalty.mapper';
import { toSubscriptionList } from './capillary-subscriptions.mapper';
import { ChangeIdentifierDto } from './dto/change-identifier.dto';
import { FetchQueryDto, LookupQueryDto, RegisterQueryDto } from './dto/customer-query.dto';
import { CapillaryErrorBodyDto, CustomerResponseDto, UpdateCustomerResponseDto } from './dto/customer-responses.dto';
import { RegisterCustomerDto } from './dto/register-customer.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';

/** A non-numeric id is an unknown customer, as Capillary answers it (the native paths' rule too). */
const customerId = nativeCustomerId;

/** The update and changeIdentifier pages call an unknown customer 8009, where the others say 8015. */
const UNKNOWN_CUSTOMER_IS_8009 = { [ErrorCodes.CUSTOMER_NOT_FOUND]: CapillaryCode.CUSTOMER_ID_INVALID };

/** Capillary v2 Customer API: a customer's profiles and identifiers (subscriptions, search and loyalty have their own). */
@ApiTags('Capillary v2')
@ApiBasicAuth()
@ApiBearerAuth()
@ApiBadRequestResponse({ type: CapillaryErrorBodyDto })
@UseFilters(CapillaryExceptionFilter)
@Controller('v2/customers')
export class CapillaryCustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly updates: CustomerUpdateService,
    private readonly consents: ConsentsService,
    private readonly identities: CustomerIdentitiesService,
    private readonly loyalty: LoyaltyService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Register a customer in a source' })
  async register(@Actor('capillary-v2') actor: ActorContext, @Query() query: RegisterQueryDto, @Body() body: RegisterCustomerDto) {
    const command = toRegisterCommand(query.source, query.accountId, body, actor.apiKeyId);
    const result = await this.customers.register(actor.orgId, command, actor.phoneRegion);
    const warnings = result.tagged ? [mergedIntoWarning(result.customerId)] : [];
    return { createdId: result.customerId, warnings };
  }

  @Put(':id')
  @UseFilters(new CapillaryExceptionFilter(UNKNOWN_CUSTOMER_IS_8009))
  @ApiOperation({
    summary: "Update a customer's profile in a source, and its loyalty type and extended fields",
    description:
      'Names, custom fields and comm channels of the profile in `source` (and `accountId`); loyaltyType only from non_loyalty to loyalty (8018). ' +
      'Identifiers and the source are not changed here: identifiers the profile does not hold, or a profile naming another source, are warnings (8100). ' +
      "Codes: 8008 (the identifiers sent name another customer's profile in this source), 8009 (no such customer), 8010 (invalid comm channel), " +
      '8045 (no accountId for WECHAT/FACEBOOK), 8057/8058 (invalid email/mobile in a comm channel), 8065 (no profile in this source).',
  })
  @ApiOkResponse({ type: UpdateCustomerResponseDto, description: 'The customer id, and warnings (8100 for identifiers or source sent, 8069 when merged)' })
  @ApiNotFoundResponse({ type: CapillaryErrorBodyDto })
  async update(
    @Actor('capillary-v2') actor: ActorContext,
    @Param('id', customerId) id: number,
    @Query() query: RegisterQueryDto,
    @Body() body: UpdateCustomerDto,
  ) {
    const result = await this.updates.update(actor, id, toCustomerUpdate(query.source, query.accountId, body));
    return { createdId: result.customerId, warnings: updateWarnings(query, body, result) };
  }

  @Post(':id/changeIdentifier')
  @HttpCode(200)
  @UseFilters(new CapillaryExceptionFilter(UNKNOWN_CUSTOMER_IS_8009))
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
    const id = await this.customers.lookup(actor.orgId, toIdentifierQuery(query), actor.phoneRegion);
    return { entity: id, warnings: [] };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Fetch a customer; embed adds points (loyaltyInfo.pointsSummary), mlp (loyaltyInfo.loyaltyProgramDetails), subscriptions (subscriptionInfo)',
    description: 'Codes: 8012 (invalid source), 8015 (no such customer), 8045 (no accountId), 8065 (no profile in this source), 8069 (merged), 1100 (unknown embed).',
  })
  @ApiOkResponse({ type: CustomerResponseDto, description: 'The customer, its profiles and the embeds asked for' })
  @ApiNotFoundResponse({ type: CapillaryErrorBodyDto })
  async fetch(@Actor('capillary-v2') actor: ActorContext, @Param('id', customerId) id: number, @Query() query: FetchQueryDto) {
    const view = await this.customers.fetch(actor.orgId, id, query.source, query.accountId ?? '');
    const body: Record<string, unknown> & ReturnType<typeof toCustomerResponse> = toCustomerResponse(view);
    const embeds = query.embed ?? [];
    if (embeds.includes('points') || embeds.includes('mlp')) {
      const programs = await this.loyalty.programs(actor.orgId, id);
      if (embeds.includes('points')) body.loyaltyInfo.pointsSummary = pointsSummaryOf(programs);
      if (embeds.includes('mlp')) body.loyaltyInfo.loyaltyProgramDetails = programs.map(toProgramDetails);
    }
    if (embeds.includes('subscriptions')) {
      body.subscriptionInfo = { subscriptions: toSubscriptionList(await this.consents.states(actor.orgId, id)) };
    }
    return body;
  }
}
