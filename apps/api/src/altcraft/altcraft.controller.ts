import { ActorContext, ConsentsService } from '@app/domain';
import { Body, Controller, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AcceptsBodyToken } from '../auth/auth.decorators';
import { Actor } from '../common/actor.decorator';
import { AltcraftExceptionFilter } from './altcraft-exception.filter';
import { toAltcraftAnswer, toAltcraftCommand } from './altcraft.mapper';
import { SetSubscriptionDto } from './dto/set-subscription.dto';

/** Altcraft `POST /api/v1.1/subscriptions/set`: one profile, one resource, one channel address. */
@ApiTags('Altcraft')
@ApiBasicAuth()
@ApiBearerAuth()
@AcceptsBodyToken('token')
@UseFilters(AltcraftExceptionFilter)
@Controller('api/v1.1/subscriptions')
export class AltcraftController {
  constructor(private readonly consents: ConsentsService) {}

  @Post('set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add or edit a profile subscription; an unknown profile is created',
    description: 'The optline customer id is returned in the Optline-Customer-Id header.',
  })
  @ApiBody({
    type: SetSubscriptionDto,
    examples: {
      email: {
        value: { channel: 'email', db_id: 1, email: 'john@example.com', priority: 10, profile_id: 'abcdefghijklmnqrstuvwxyz', resource_id: 1, status: 'suspended', token: '<api key>' },
      },
    },
  })
  async set(
    @Actor('altcraft') actor: ActorContext,
    @Body() body: SetSubscriptionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.consents.applyToIdentified(actor, toAltcraftCommand(body, actor.phoneRegion));
    reply.header('optline-customer-id', String(outcome.customerId));
    return toAltcraftAnswer(outcome);
  }
}
