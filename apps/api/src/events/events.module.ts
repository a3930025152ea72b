import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

/** Native event ingest (`POST /v1/events`); errors in the native body. */
@Module({
  imports: [DomainModule],
  controllers: [EventsController],
})
export class EventsModule {}
