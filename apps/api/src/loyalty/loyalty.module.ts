import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { LoyaltyController } from './loyalty.controller';

@Module({ imports: [DomainModule], controllers: [LoyaltyController] })
export class LoyaltyModule {}
