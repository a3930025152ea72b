import { Module } from '@nestjs/common';
import { BatchesService } from './batches.service';
import { FanOutService } from './fan-out.service';

/** What the worker needs from the domain: fan-out and batches. */
@Module({
  providers: [FanOutService, BatchesService],
  exports: [FanOutService, BatchesService],
})
export class DeliveriesDomainModule {}
