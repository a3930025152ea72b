import { ActorContext, ResolvedCustomer, CustomerIdentitiesService } from '@app/domain';
import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { AttachIdentityDto, IdentityPlaceDto } from './dto/identity.dto';
import { heldAcrossSources, toNativeIdentity, toSourcedIdentity } from './identity-types';

/** Given a merged customer's id, every answer names the survivor that acted for it. */
const mergedNote = (current: ResolvedCustomer) => (current.mergedInto === null ? {} : { mergedInto: current.mergedInto });

/**
 * One person, reachable from every dialect: the identities (Capillary identifiers, an Altcraft
 * profile, a WM customer number) that name a customer. Attaching one that another customer holds
 * merges that customer into this one.
 */
@ApiTags('Identities')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/customers')
export class IdentitiesController {
  constructor(private readonly identities: CustomerIdentitiesService) {}

  @Get(':id/identities')
  @ApiOperation({ summary: "A customer's identities" })
  async list(@Actor('native') actor: ActorContext, @Param('id', nativeCustomerId) id: number) {
    const current = await this.identities.current(actor.orgId, id);
    const identities = await this.identities.list(actor.orgId, current.customerId);
    return { customerId: current.customerId, ...mergedNote(current), identities: identities.map(toNativeIdentity) };
  }

  @Post(':id/identities')
  @ApiOperation({
    summary: 'Attach an identity; a customer already holding it is merged into this one',
    description: '201 when attached, 200 when the customer held it already. `merged` names the customers merged in, with their consent conflicts.',
  })
  async attach(
    @Actor('native') actor: ActorContext,
    @Param('id', nativeCustomerId) id: number,
    @Body() body: AttachIdentityDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.identities.attach(actor, id, toSourcedIdentity(body), heldAcrossSources(body.type));
    reply.status(result.alreadyHeld ? 200 : 201);
    return {
      customerId: result.customerId,
      ...mergedNote(result),
      identity: toNativeIdentity(result.identity),
      alreadyAttached: result.alreadyHeld,
      merged: result.merged,
    };
  }

  @Delete(':id/identities/:type/:value')
  @ApiOperation({ summary: 'Detach an identity (`?source=&accountId=` where the type needs them)' })
  async detach(
    @Actor('native') actor: ActorContext,
    @Param('id', nativeCustomerId) id: number,
    @Param('type') type: string,
    @Param('value') value: string,
    @Query() place: IdentityPlaceDto,
  ) {
    const identity = toSourcedIdentity({ type, value, ...place });
    const current = await this.identities.current(actor.orgId, id);
    await this.identities.detach(actor, current.customerId, identity);
    return { customerId: current.customerId, ...mergedNote(current), detached: toNativeIdentity(identity) };
  }
}
