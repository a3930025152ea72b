import { ActorContext, EventIngestService, IngestEvent } from '@app/domain';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { IngestEventDto, IngestEventsDto } from './dto/ingest-events.dto';
import { IdempotencyKey } from './idempotency-key.decorator';

const toIngestEvent = ({ occurredAt, ...rest }: IngestEventDto): IngestEvent => ({
  ...rest,
  ...(occurredAt !== undefined ? { occurredAt: new Date(occurredAt) } : {}),
});

/** Native event ingest: campaign tools report what happened to their sends (and opt-ins/outs). */
@ApiTags('Events')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest up to 1,000 events, validated whole, written in one transaction' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first answer' })
  async create(
    @Actor('native') actor: ActorContext,
    @Body() body: IngestEventsDto,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.ingest.ingest(actor, body.events.map(toIngestEvent), idempotencyKey);
  }
}
