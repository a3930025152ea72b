import { ActorContext, DeliveriesService } from '@app/domain';
import { EventPublisher } from '@app/queues';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { toBatchResponse } from './deliveries.mapper';
import { DeliveriesQueryDto, RedeliverDto, ReplayDto } from './dto/deliveries-query.dto';

/** Native operator API for webhook deliveries; errors in optline's own body. */
@ApiTags('Deliveries')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly publisher: EventPublisher,
  ) {}

  @Get('subscriptions/:name/deliveries')
  @ApiOperation({ summary: 'Batches of a subscription, newest first, with their attempts' })
  async list(@Actor('native') actor: ActorContext, @Param('name') name: string, @Query() query: DeliveriesQueryDto) {
    const page = await this.deliveries.listBatches(actor.orgId, name, query);
    return { total: page.total, limit: query.limit, offset: query.offset, batches: page.batches.map(toBatchResponse) };
  }

  @Get('subscriptions/:name/stats')
  @ApiOperation({ summary: 'Pending, held, in-flight, delivered, failed and expired deliveries' })
  stats(@Actor('native') actor: ActorContext, @Param('name') name: string) {
    return this.deliveries.counts(actor.orgId, name);
  }

  @Post('deliveries/:batchId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a FAILED batch again, same id and events (409 BATCH_OUT_OF_ORDER after newer batches, unless outOfOrder)' })
  async redeliver(
    @Actor('native') actor: ActorContext,
    @Param('batchId', new ParseUUIDPipe()) batchId: string,
    @Body() body: RedeliverDto,
  ) {
    const { subscriptionId } = await this.deliveries.redeliver(actor.orgId, batchId, { outOfOrder: body?.outOfOrder });
    await this.publisher.subscriptionChanged({ orgId: actor.orgId, subscriptionId });
    return { batchId, state: 'SENDING' };
  }

  @Post('subscriptions/:name/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver again, as new batches marked replay, the events delivered since a time' })
  async replay(@Actor('native') actor: ActorContext, @Param('name') name: string, @Body() body: ReplayDto) {
    const result = await this.deliveries.replay(actor.orgId, name, body.since);
    await this.publisher.subscriptionChanged({ orgId: actor.orgId, subscriptionId: result.subscriptionId });
    return { replayed: result.replayed };
  }
}
