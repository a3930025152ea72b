import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { CapillaryCustomersController } from './capillary-customers.controller';
import { CapillaryLoyaltyController } from './capillary-loyalty.controller';
import { CapillarySearchController } from './capillary-search.controller';
import { CapillarySubscriptionsController } from './capillary-subscriptions.controller';
import { CapillaryV11Controller } from './capillary-v11.controller';
import { CapillaryV11Service } from './capillary-v11.service';

@Module({
  imports: [DomainModule],
  controllers: [
    CapillaryCustomersController,
    CapillarySubscriptionsController,
    CapillarySearchController,
    CapillaryLoyaltyController,
    CapillaryV11Controller,
  ],
  providers: [CapillaryV11Service],
})
export class CapillaryModule {}
