import { ActorContext } from '@app/domain';
import { Body, Controller, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Actor } from '../common/actor.decorator';
import { CapillaryExceptionFilter } from './capillary-exception.filter';
import { CapillaryV11Service } from './capillary-v11.service';

/** Each item is its own transaction: a bound keeps one request from holding a connection for long. */
const MAX_ITEMS = 100;

/** Capillary v1.1 `POST /v1.1/customer/subscriptions?format=json`. */
@ApiTags('Capillary v1.1')
@ApiBasicAuth()
@ApiBearerAuth()
@UseFilters(CapillaryExceptionFilter)
@Controller('v1.1/customer')
export class CapillaryV11Controller {
  constructor(private readonly v11: CapillaryV11Service) {}

  @Post('subscriptions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update SMS/email subscriptions; each item succeeds or fails on its own' })
  @ApiBody({
    schema: {
      example: { root: { subscription: [{ mobile: '919111111111', priority: 'BULK', scope: 'all', channel: 'sms', is_subscribed: '0' }] } },
    },
  })
  async update(@Actor('capillary-v1.1') actor: ActorContext, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const items = this.v11.itemsOf(body);
    if (items.length > MAX_ITEMS) {
      reply.status(400);
      return { response: { status: { success: 'false', code: 400, message: `At most ${MAX_ITEMS} subscription items per request` } } };
    }
    const results = [];
    // In order, so two items about one customer apply in the order the caller wrote them.
    for (const item of items) results.push(await this.v11.applyItem(actor, item));
    const failed = results.filter((r) => r.item_status.success === 'false').length;
    const status =
      items.length === 0
        ? { success: 'false', code: 400, message: 'No subscription items in the request' }
        : failed === 0
          ? { success: 'true', code: 200, message: 'Success' }
          : failed < results.length
            ? { success: 'true', code: 201, message: 'Some requests have failed due to errors' }
            : { success: 'false', code: 500, message: 'All requests have failed due to errors' };
    if (status.success === 'false') reply.status(400);
    return { response: { status, subscriptions: { subscription: results } } };
  }
}
