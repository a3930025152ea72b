import { ActorContext, ConsentOutcome, ConsentStatus, ConsentsService } from '@app/domain';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { nativeCustomerId } from '../common/customer-id.pipe';
import { RecordConsentDto } from './dto/record-consent.dto';

/** optline's own consent write, for tools that speak none of the vendor dialects. */
@ApiTags('Consent')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('v1/customers')
export class ConsentWriteController {
  constructor(private readonly consents: ConsentsService) {}

  @Put(':id/consents')
  @ApiOperation({
    summary: 'Record one consent change with its proof',
    description:
      'Answers the record as it stands and what the change did: applied, unchanged (it said what the record says) or ' +
      'superseded (it happened before the change that set the record: kept in the ledger, nothing changed). ' +
      'With "confirm": true an opt-in waits as UNCONFIRMED for the person to confirm it (double opt-in).',
  })
  async record(@Actor('native') actor: ActorContext, @Param('id', nativeCustomerId) id: number, @Body() body: RecordConsentDto) {
    const outcome = await this.consents.apply(actor, {
      customerId: id,
      changes: [
        {
          channel: body.channel,
          topic: body.topic,
          accountId: body.accountId ?? '',
          address: body.address ?? '',
          // Double opt-in: not allowed to send until the person confirms through the event's confirmUrl.
          status: body.confirm ? ConsentStatus.UNCONFIRMED : body.status,
          sourceName: body.source ?? null,
        },
      ],
      occurredAt: body.occurredAt !== undefined ? new Date(body.occurredAt) : undefined,
      reason: body.reason ?? null,
      // An explicit choice is a record even when it repeats the implicit default: it is evidence.
      createMissing: true,
    });
    return toRecordAnswer(outcome);
  }
}

/** `{ customerId, result, changed, record, ledgerId }`, with `supersededBy` and `mergedInto` when they apply. */
function toRecordAnswer(outcome: ConsentOutcome) {
  const applied = outcome.applied[0];
  const unchanged = outcome.unchanged[0];
  const superseded = outcome.superseded[0];
  const change = (applied ?? unchanged ?? superseded).change;
  const key = { channel: change.channel, topic: change.topic, accountId: change.accountId, address: change.address };
  const recorded = outcome.before.find(
    (r) => r.channel === key.channel && r.topic === key.topic && r.accountId === key.accountId && r.address === key.address,
  );
  // The record as it stands: the change itself when it applied (or restated an opt-out at a later
  // time), otherwise what was recorded before.
  const standing =
    applied || unchanged?.ledgerId ? { status: change.status, occurredAt: change.occurredAt } : (superseded?.current ?? recorded!);
  return {
    customerId: outcome.customerId,
    ...(outcome.mergedFrom !== null ? { mergedInto: outcome.customerId } : {}),
    result: applied ? 'applied' : superseded ? 'superseded' : 'unchanged',
    changed: applied !== undefined,
    record: { ...key, status: standing.status, occurredAt: standing.occurredAt.toISOString() },
    ledgerId: (applied ?? unchanged ?? superseded).ledgerId,
    ...(superseded
      ? { supersededBy: { status: superseded.current.status, occurredAt: superseded.current.occurredAt.toISOString() } }
      : {}),
  };
}
