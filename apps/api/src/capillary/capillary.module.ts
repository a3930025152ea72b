import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { CapillaryCustomersController } from './capillary-customers.controller';
import { CapillaryV11Controller } from './capillary-v11.controller';
import { CapillaryV11Service } from './capillary-v11.service';

@Module({
  imports: [DomainModule],
  controllers: [CapillaryCustomersController, CapillaryV11Controller],
  providers: [CapillaryV11Service],
})
export class CapillaryModule {}
