import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { ResponsysCallbacksController } from './responsys-callbacks.controller';
import { ResponsysEventListController } from './responsys-event-list.controller';
import { ResponsysSubscriptionsController } from './responsys-subscriptions.controller';

/** The Responsys event-notification dialect (v1.3): callbacks, subscriptions and the event list. */
@Module({
  imports: [DomainModule],
  controllers: [ResponsysCallbacksController, ResponsysSubscriptionsController, ResponsysEventListController],
})
export class ResponsysModule {}
