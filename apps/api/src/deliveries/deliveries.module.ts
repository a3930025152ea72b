import { DeliveriesService } from '@app/domain';
import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';

@Module({ controllers: [DeliveriesController], providers: [DeliveriesService] })
export class DeliveriesModule {}
