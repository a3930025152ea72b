import { ActorContext, OrgBrandingView, OrgsService } from '@app/domain';
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { OrgBrandingDto } from './dto/org-branding.dto';

const toBrandingAnswer = ({ slug, displayName, logoUrl, accentColor }: OrgBrandingView) => ({ org: slug, displayName, logoUrl, accentColor });

/** How the pages a person opens (unsubscribe, preferences, confirm) present the caller's org. */
@ApiTags('Org')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/org/branding')
export class OrgBrandingController {
  constructor(private readonly orgs: OrgsService) {}

  @Get()
  @ApiOperation({ summary: "The org's display name, logo URL and accent colour on the person's pages (null: the default)" })
  async read(@Actor('native') actor: ActorContext) {
    return toBrandingAnswer(await this.orgs.branding({ id: actor.orgId }));
  }

  @Put()
  @ApiOperation({
    summary: "Set the org's branding on the person's pages",
    description:
      'Replaces all three: a field left out or null goes back to its default. 400 INVALID_BRANDING, with nothing written, for a ' +
      'logo URL that is not https, an accent that is not #rrggbb or has less than 4.5:1 contrast against white, or an empty or ' +
      'over-long name.',
  })
  async write(@Actor('native') actor: ActorContext, @Body() body: OrgBrandingDto) {
    const branding = { displayName: body.displayName ?? null, logoUrl: body.logoUrl ?? null, accentColor: body.accentColor ?? null };
    return toBrandingAnswer(await this.orgs.setBranding({ id: actor.orgId }, branding));
  }
}
