import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { AltcraftController } from './altcraft.controller';

@Module({ imports: [DomainModule], controllers: [AltcraftController] })
export class AltcraftModule {}
