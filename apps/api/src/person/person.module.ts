import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { PersonDataController } from './person-data.controller';
import { PersonPagesController } from './person-pages.controller';
import { UnsubscribeLinksController } from './unsubscribe-links.controller';

/** The person's side: links a campaign tool puts in its messages, and the pages they open. */
@Module({ imports: [DomainModule], controllers: [UnsubscribeLinksController, PersonPagesController, PersonDataController] })
export class PersonModule {}
