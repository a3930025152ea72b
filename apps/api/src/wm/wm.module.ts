import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { WmController } from './wm.controller';

@Module({ imports: [DomainModule], controllers: [WmController] })
export class WmModule {}
