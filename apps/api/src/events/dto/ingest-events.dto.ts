import { NestedObject } from '../../common/nested-object.validator';
import { IsSafeInteger } from '../../common/safe-integer.validator';
import { EVENT_CHANNELS, IDENTIFIER_TYPES, INGESTIBLE_EVENT_TYPES, MAX_INGEST_EVENTS } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';

/** `data` is for a few fields the consumer needs; anything bigger belongs elsewhere. */
export const MAX_DATA_BYTES = 4096;

const EVENT_TYPES = INGESTIBLE_EVENT_TYPES;
const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

const MaxSerializedSize = (bytes: number) =>
  ValidateBy({
    name: 'maxSerializedSize',
    validator: {
      validate: (value) => Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8') <= bytes,
      defaultMessage: () => `$property must be at most ${bytes} bytes as JSON`,
    },
  });

export class IdentifierDto {
  @ApiProperty({ enum: IDENTIFIER_TYPES, example: 'email' })
  @IsIn(IDENTIFIER_TYPES)
  type: string;

  @ApiProperty({ example: 'tom@example.com' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  @IsPhoneNumberLike({ message: 'value must be a phone number for a mobile identifier' }, (i) => (i as IdentifierDto).type === 'mobile')
  value: string;
}

export class IngestEventDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Your id for the event: a retry with the same id is a no-op' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'SMS_OPT_OUT' })
  @IsIn(EVENT_TYPES, { message: (a) => `unknown event type ${String(a.value)} (see GET /rest/api/v1.3/notifications/eventList)` })
  type: string;

  @ApiPropertyOptional({ description: 'optline customer id; give this or identifier', example: 42 })
  @IsOptional()
  @IsSafeInteger()
  @Min(1)
  customerId?: number;

  @ApiPropertyOptional({ type: IdentifierDto, description: 'Give this or customerId' })
  @IsOptional()
  @NestedObject()
  @Type(() => IdentifierDto)
  identifier?: IdentifierDto;

  @ApiProperty({ enum: EVENT_CHANNELS, example: 'SMS' })
  @IsIn(EVENT_CHANNELS)
  channel: string;

  @ApiPropertyOptional({ description: 'Consent topic an opt-in/opt-out changes', default: 'BULK' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  topic?: string;

  @ApiPropertyOptional({ description: 'Consent account an opt-in/opt-out changes', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountId?: string;

  @ApiPropertyOptional({ example: '193897761' })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @MaxLength(100)
  campaignId?: string;

  @ApiPropertyOptional({ example: 'Summer Promotions' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  campaignName?: string;

  @ApiPropertyOptional({ example: '+919876543210' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  recipient?: string;

  @ApiPropertyOptional({ example: 'STOP received' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `At most ${MAX_DATA_BYTES} bytes as JSON` })
  @IsOptional()
  @IsObject()
  @MaxSerializedSize(MAX_DATA_BYTES)
  data?: Record<string, unknown>;
}

export class IngestEventsDto {
  @ApiProperty({ type: [IngestEventDto], maxItems: MAX_INGEST_EVENTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INGEST_EVENTS)
  @NestedObject({ each: true })
  @Type(() => IngestEventDto)
  events: IngestEventDto[];
}
