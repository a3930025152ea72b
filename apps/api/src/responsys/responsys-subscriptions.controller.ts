import { ActorContext, EventSubscriptionsService } from '@app/domain';
import { Body, Controller, Delete, Get, Param, Post, Put, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { SubscriptionDto } from './dto/subscription.dto';
import { ResponsysExceptionFilter } from './responsys-exception.filter';
import { deletedBody, nameOf, toSubscriptionBody, toSubscriptionInput } from './responsys.mapper';
import { RESPONSYS_PREFIX } from './responsys.prefix';

/** Responsys event subscriptions: which event types go to which callback, ACTIVE or PAUSED. */
@ApiTags('Responsys notifications')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(ResponsysExceptionFilter)
@Controller(`${RESPONSYS_PREFIX}/subscriptions`)
export class ResponsysSubscriptionsController {
  constructor(private readonly subscriptions: EventSubscriptionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a subscription (ACTIVE unless status says PAUSED)' })
  async create(@Actor('responsys') actor: ActorContext, @Body() body: SubscriptionDto) {
    const name = nameOf('subscription', [body.subscriptionName, body.name]);
    return toSubscriptionBody(await this.subscriptions.create(actor.orgId, name, toSubscriptionInput(body)));
  }

  @Get()
  @ApiOperation({ summary: "The org's subscriptions" })
  async list(@Actor('responsys') actor: ActorContext) {
    return (await this.subscriptions.list(actor.orgId)).map(toSubscriptionBody);
  }

  @Get(':subscriptionName')
  @ApiOperation({ summary: 'A subscription' })
  async get(@Actor('responsys') actor: ActorContext, @Param('subscriptionName') name: string) {
    return toSubscriptionBody(await this.subscriptions.get(actor.orgId, name));
  }

  @Put(':subscriptionName')
  @ApiOperation({ summary: 'Update a subscription; PAUSED to ACTIVE releases the events held for it' })
  async update(@Actor('responsys') actor: ActorContext, @Param('subscriptionName') path: string, @Body() body: SubscriptionDto) {
    const name = nameOf('subscription', [body.subscriptionName, body.name], path);
    return toSubscriptionBody(await this.subscriptions.update(actor.orgId, name, toSubscriptionInput(body)));
  }

  @Delete(':subscriptionName')
  @ApiOperation({ summary: 'Delete a subscription' })
  async delete(@Actor('responsys') actor: ActorContext, @Param('subscriptionName') name: string) {
    await this.subscriptions.delete(actor.orgId, name);
    return deletedBody('Subscription', name);
  }
}
