import { ActorContext, CallbacksService, ErrorCodes, EventSubscriptionsService, invalid } from '@app/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { SendsOutboundRequest } from '../auth/auth.decorators';
import { CallbackDto } from './dto/callback.dto';
import { ResponsysExceptionFilter } from './responsys-exception.filter';
import {
  deletedBody,
  nameOf,
  toCallbackBody,
  toCallbackInput,
  toCallbackWithSecretBody,
  toSubscriptionBody,
  toVerifyBody,
} from './responsys.mapper';
import { RESPONSYS_PREFIX } from './responsys.prefix';

/** Responsys callbacks: where webhooks go, with Basic auth and a Standard Webhooks signing secret. */
@ApiTags('Responsys notifications')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(ResponsysExceptionFilter)
@Controller(`${RESPONSYS_PREFIX}/callbacks`)
export class ResponsysCallbacksController {
  constructor(
    private readonly callbacks: CallbacksService,
    private readonly subscriptions: EventSubscriptionsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a callback; the answer shows its signing secret this once' })
  async create(@Actor('responsys') actor: ActorContext, @Body() body: CallbackDto) {
    const name = nameOf('callback', [body.callBackName, body.name]);
    return toCallbackWithSecretBody(await this.callbacks.create(actor.orgId, name, toCallbackInput(body)));
  }

  @Get()
  @ApiOperation({ summary: "The org's callbacks" })
  async list(@Actor('responsys') actor: ActorContext) {
    return (await this.callbacks.list(actor.orgId)).map(toCallbackBody);
  }

  @Get(':callbackName')
  @ApiOperation({ summary: 'A callback; with ?action=verify, send it a signed test request' })
  @ApiQuery({ name: 'action', required: false, enum: ['verify'] })
  @SendsOutboundRequest((request) => (request.query as { action?: unknown } | undefined)?.action === 'verify')
  async get(@Actor('responsys') actor: ActorContext, @Param('callbackName') name: string, @Query('action') action?: string) {
    if (action === undefined) return toCallbackBody(await this.callbacks.get(actor.orgId, name));
    if (action === 'verify') return this.verify(actor, name);
    throw invalid(ErrorCodes.UNSUPPORTED_ACTION, `Unsupported action [${action} ]`);
  }

  @Put(':callbackName')
  @ApiOperation({ summary: 'Replace the URLs and authentication of a callback' })
  async update(@Actor('responsys') actor: ActorContext, @Param('callbackName') path: string, @Body() body: CallbackDto) {
    const name = nameOf('callback', [body.callBackName, body.name], path);
    return toCallbackBody(await this.callbacks.update(actor.orgId, name, toCallbackInput(body)));
  }

  @Delete(':callbackName')
  @ApiOperation({ summary: 'Delete a callback no subscription uses (400 otherwise)' })
  async delete(@Actor('responsys') actor: ActorContext, @Param('callbackName') name: string) {
    await this.callbacks.delete(actor.orgId, name);
    return deletedBody('CallBack', name);
  }

  @Get(':callbackName/subscriptions')
  @ApiOperation({ summary: 'The subscriptions that send to a callback' })
  async subscriptionsOf(@Actor('responsys') actor: ActorContext, @Param('callbackName') name: string) {
    return (await this.subscriptions.listForCallback(actor.orgId, name)).map(toSubscriptionBody);
  }

  @Get(':callbackName/actions/verify')
  @SendsOutboundRequest()
  @ApiOperation({ summary: 'Send a signed test request; answers the status, time taken and error' })
  async verify(@Actor('responsys') actor: ActorContext, @Param('callbackName') name: string) {
    return toVerifyBody(await this.callbacks.verify(actor.orgId, name));
  }

  @Post(':callbackName/actions/rotateSecret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new signing secret; the old one keeps signing for 24 hours' })
  async rotateSecret(@Actor('responsys') actor: ActorContext, @Param('callbackName') name: string) {
    return toCallbackWithSecretBody(await this.callbacks.rotateSecret(actor.orgId, name));
  }
}
