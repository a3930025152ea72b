import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { ConsentDecisionController } from './consent-decision.controller';

@Module({ imports: [DomainModule], controllers: [ConsentDecisionController] })
export class ConsentsModule {}
