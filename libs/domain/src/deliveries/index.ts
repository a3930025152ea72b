export * from './delivery-batch.entity';
export * from './delivery-attempt.entity';
export * from './fan-out.service';
export * from './fan-out-drain';
export * from './fan-out-partitions';
export * from './batches.service';
export * from './deliveries-domain.module';
export * from './deliveries.service';
