import { Channel, ConsentStatus, PHONE_CHANNELS } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsISO8601, IsOptional, IsString, MaxLength, ValidateBy, ValidationOptions } from 'class-validator';
import { ConsentKeyDto, MAX_ADDRESS_LENGTH } from './consent-key.dto';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { isPlausibleEmail } from '../../common/identifier-values';
import { upperCase } from '../../common/transforms';

/** `value` passes `check` when the object's channel is `channel`; other channels take any address, '' is channel-wide. */
const PlausibleWhenChannel = (channel: Channel, check: (value: string) => boolean, options: ValidationOptions) =>
  ValidateBy(
    {
      name: `plausibleFor${channel}`,
      validator: { validate: (value, args) => (args?.object as RecordConsentDto).channel !== channel || value === '' || (typeof value === 'string' && check(value)) },
    },
    options,
  );

/** PUT /v1/customers/{id}/consents: one consent change in optline's own words. */
export class RecordConsentDto extends ConsentKeyDto {
  @ApiProperty({
    enum: ConsentStatus,
    description: 'OPTIN allows sending; every other status forbids it (OPTOUT, and the finer COMPLAINED, HARDBOUNCED ...)',
    example: 'OPTOUT',
  })
  @Transform(upperCase)
  @IsEnum(ConsentStatus, { message: `status must be one of ${Object.values(ConsentStatus).join(', ')}` })
  status: ConsentStatus;

  @ApiPropertyOptional({
    description: 'The contact address; omitted records the channel-wide choice. An email for EMAIL, a phone number for SMS, WHATSAPP and VOICE.',
    example: 'tom@example.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ADDRESS_LENGTH)
  @IsPhoneNumberLike({ message: 'address must be a phone number for channels SMS, WHATSAPP and VOICE' }, (dto) =>
    PHONE_CHANNELS.includes((dto as RecordConsentDto).channel) && (dto as RecordConsentDto).address !== '',
  )
  @PlausibleWhenChannel(Channel.EMAIL, isPlausibleEmail, { message: 'address must be an email address for channel EMAIL' })
  address?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the person made the choice; default: when the request arrived. An older change than the recorded one is kept as superseded.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 time such as 2026-05-01T10:00:00Z' })
  occurredAt?: string;

  @ApiPropertyOptional({
    description:
      'Double opt-in, with status OPTIN only: the record becomes UNCONFIRMED (sending not allowed) and a <CHANNEL>_OPTIN_REQUESTED ' +
      'event carries the confirmUrl to send the person; it turns OPTIN when they confirm there.',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  @ValidateBy({
    name: 'confirmOnlyForOptIn',
    validator: {
      validate: (value, args) => value !== true || (args?.object as RecordConsentDto).status === ConsentStatus.OPTIN,
      defaultMessage: () => 'confirm applies to status OPTIN only',
    },
  })
  confirm?: boolean;

  @ApiPropertyOptional({ example: 'Unsubscribed at the till' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ description: 'Where the choice was made (a system or form); kept on the ledger', example: 'store-42' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;
}
