import { ActorContext, ConsentsService, CustomersService } from '@app/domain';
import { Body, Controller, Get, Param, PipeTransform, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Actor } from '../common/actor.decorator';
import { RequestValidationError } from '../common/request-validation.error';
import { CommunicationPreferencesDto } from './dto/communication-preferences.dto';
import { WmExceptionFilter } from './wm-exception.filter';
import { sendWm } from './wm-format';
import { clientIdOf, trackingIdOf, WmHeadersGuard } from './wm-headers.guard';
import { toWmCommand, toWmPreferences, wmIdentity, wmSuccess } from './wm.mapper';

/** WM's customerId is a number: its own customer number, not optline's id. */
const wmCustomerId: PipeTransform<string, string> = {
  transform(value: string) {
    if (/^\d{1,20}$/.test(value)) return value;
    throw new RequestValidationError([{ path: 'customerId', property: 'customerId', value, message: 'customerId must be a number' }]);
  },
};

/** WM `communication-preferences`: per-address opt-in/out by category, JSON or XML answers. */
@ApiTags('WM')
@ApiBasicAuth()
@ApiBearerAuth()
@ApiHeader({ name: 'Request-Tracking-Id', required: true, description: 'Echoed as request_tracking_id; kept on the ledger as the request id' })
@ApiHeader({ name: 'ClientId', required: true, description: 'Provided by WM; kept on the ledger as the source' })
@ApiProduces('application/json', 'application/xml')
@ApiParam({ name: 'customerId', description: "WM's customer number; unknown on PUT: the customer is created" })
@UseGuards(WmHeadersGuard)
@UseFilters(WmExceptionFilter)
@Controller('api/v1/customers')
export class WmController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly customers: CustomersService,
  ) {}

  @Put(':customerId/communication-preferences')
  @ApiOperation({ summary: "Update a customer's communication preferences; all or nothing" })
  async update(
    @Actor('wm') actor: ActorContext,
    @Param('customerId', wmCustomerId) customerId: string,
    @Body() body: CommunicationPreferencesDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const trackingId = trackingIdOf(request);
    const outcome = await this.consents.applyToIdentified(
      { ...actor, requestId: trackingId },
      toWmCommand(customerId, clientIdOf(request), body, actor.phoneRegion),
    );
    reply.header('optline-customer-id', String(outcome.customerId));
    sendWm(reply, request, 200, wmSuccess(trackingId));
  }

  @Get(':customerId/communication-preferences')
  @ApiOperation({ summary: "A customer's current communication preferences, in the PUT body's shape" })
  async read(
    @Actor('wm') actor: ActorContext,
    @Param('customerId', wmCustomerId) customerId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const id = await this.customers.lookup(actor.orgId, wmIdentity(customerId));
    const preferences = toWmPreferences(await this.consents.states(actor.orgId, id));
    reply.header('optline-customer-id', String(id));
    sendWm(reply, request, 200, { ...wmSuccess(trackingIdOf(request)), preferences });
  }
}
