import { ActorContext, PersonLinksService } from '@app/domain';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { UnsubscribeLinksDto } from './dto/unsubscribe-links.dto';

/** A campaign tool asks for the unsubscribe links and List-Unsubscribe headers of its messages. */
@ApiTags('Person')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/unsubscribe-links')
export class UnsubscribeLinksController {
  constructor(private readonly links: PersonLinksService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Signed unsubscribe links for up to 1,000 messages',
    description:
      'Per item: `url` (the preference page), `oneClickUrl` (RFC 8058 one-click) and the `List-Unsubscribe` and ' +
      '`List-Unsubscribe-Post` headers to put in the message. Stateless signed tokens: nothing is written. ' +
      'An unknown customer fails only its own item.',
  })
  async mint(@Actor('native') actor: ActorContext, @Body() body: UnsubscribeLinksDto) {
    return { items: await this.links.unsubscribeLinks(actor, body.items) };
  }
}
