import { Module } from '@nestjs/common';
import { BatchesService } from './batches.service';
import { FanOutService } from './fan-out.service';
import { SubscriptionCache } from './subscription-cache';

/** What the worker needs from the domain: fan-out and batches. */
@Module({
  providers: [SubscriptionCache, FanOutService, BatchesService],
  exports: [SubscriptionCache, FanOutService, BatchesService],
})
export class DeliveriesDomainModule {}
