import { ActorContext, ErasureService, PersonExportService } from '@app/domain';
import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';

/** A person's rights of access and erasure (GDPR articles 15 and 17), exercised through the org. */
@ApiTags('Person')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/customers')
export class PersonDataController {
  constructor(
    private readonly exports: PersonExportService,
    private readonly erasure: ErasureService,
  ) {}

  @Get(':id/export')
  @ApiOperation({ summary: "Everything held about the person: profiles, identifiers, consents, the ledger with its proof, events and their delivery" })
  async export(@Actor('native') actor: ActorContext, @Param('id', nativeCustomerId) id: number) {
    return this.exports.export(actor.orgId, id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Erase the person',
    description:
      'Names, fields, identifiers, addresses and proof details leave every table; each opt-out stays as a keyed hash, ' +
      'so the address stays opted out; ledger rows keep their times, statuses and reasons. Emits CUSTOMER_ERASED. ' +
      'The customer is a 404 from then on.',
  })
  async erase(@Actor('native') actor: ActorContext, @Param('id', nativeCustomerId) id: number) {
    const result = await this.erasure.erase(actor, id);
    return { erased: true, customerIds: result.customerIds, suppressedAddresses: result.suppressed };
  }
}
