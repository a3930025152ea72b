import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { ConsentDecisionController } from './consent-decision.controller';
import { ConsentWriteController } from './consent-write.controller';

@Module({ imports: [DomainModule], controllers: [ConsentDecisionController, ConsentWriteController] })
export class ConsentsModule {}
