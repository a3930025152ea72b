import { DomainModule } from '@app/domain';
import { Module } from '@nestjs/common';
import { PersonPagesController } from './person-pages.controller';
import { UnsubscribeLinksController } from './unsubscribe-links.controller';

/** The person's side: links a campaign tool puts in its messages, and the pages they open. */
@Module({ imports: [DomainModule], controllers: [UnsubscribeLinksController, PersonPagesController] })
export class PersonModule {}
