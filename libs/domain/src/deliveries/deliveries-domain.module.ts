import { Module } from '@nestjs/common';
import { BatchesService } from './batches.service';
import { FanOutService } from './fan-out.service';
import { RetentionService } from '../retention/retention.service';

/** What the worker needs from the domain: fan-out, batches and retention. */
@Module({
  providers: [FanOutService, BatchesService, RetentionService],
  exports: [FanOutService, BatchesService, RetentionService],
})
export class DeliveriesDomainModule {}
