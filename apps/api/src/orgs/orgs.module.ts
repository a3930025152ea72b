import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { OrgBrandingController } from './org-branding.controller';

@Module({ imports: [DomainModule], controllers: [OrgBrandingController] })
export class OrgsModule {}
