import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { IdentitiesController } from './identities.controller';

@Module({ imports: [DomainModule], controllers: [IdentitiesController] })
export class IdentitiesModule {}
