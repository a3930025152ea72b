import { NestedObject } from '../../common/nested-object.validator';
import { IsSafeInteger } from '../../common/safe-integer.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsIP,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { booleanString, integerString, lowerCase, numberToString } from '../../common/transforms';
import { ALTCRAFT_CHANNELS, ALTCRAFT_STATUSES, altcraftStatusWord, altcraftTime } from '../altcraft-vocabulary';

const on = (...channels: string[]) => ValidateIf((o: SetSubscriptionDto) => channels.includes(o.channel));

export class TelegramCcDataDto {
  @ApiProperty({ example: 1, description: 'Chat id between the Telegram bot and the user' })
  @Transform(numberToString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;
}

export class WhatsAppCcDataDto {
  @ApiProperty({ example: '+79000000000' })
  @IsString()
  @IsPhoneNumberLike()
  phone: string;
}

/** POST /api/v1.1/subscriptions/set, as Altcraft's page gives it. */
export class SetSubscriptionDto {
  @ApiProperty({ description: 'The optline API key (an Authorization header works too)' })
  @IsOptional()
  @IsString()
  token?: string;

  @ApiPropertyOptional({ enum: ['json'], default: 'json' })
  @IsOptional()
  @Transform(lowerCase)
  @IsIn(['json'], { message: 'format must be json' })
  format?: string;

  @ApiProperty({ example: 1 })
  @Transform(integerString)
  @IsSafeInteger()
  @Min(1)
  db_id: number;

  @ApiProperty({ example: 'abcdefghijklmnqrstuvwxyz' })
  @Transform(numberToString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  profile_id: string;

  @ApiProperty({ example: 1, description: 'The resource: the consent topic' })
  @Transform(integerString)
  @IsSafeInteger()
  @Min(1)
  resource_id: number;

  @ApiPropertyOptional({
    description: 'A word or its number: subscribed 0, unsubscribed 1, complained 2, hardbounced 3, unconfirmed 4, suspended 5, invalid 6. Omitted keeps the current status (subscribed for a new subscription).',
    example: 'subscribed',
  })
  @IsOptional()
  @Transform(altcraftStatusWord)
  @IsIn(ALTCRAFT_STATUSES, { message: `status must be one of ${ALTCRAFT_STATUSES.map((s, i) => `${s} (${i})`).join(', ')}` })
  status?: (typeof ALTCRAFT_STATUSES)[number];

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @Transform(integerString)
  @IsSafeInteger()
  priority?: number;

  @ApiPropertyOptional({ description: 'Registration date (proof)', example: '2024-05-01T10:00:00Z' })
  @IsOptional()
  @IsString()
  @ValidateBy({ name: 'altcraftDate', validator: { validate: (value) => typeof value === 'string' && altcraftTime(value) !== undefined } }, {
    message: 'date must be a date that exists, such as 2024-05-01 or 2024-05-01T10:00:00Z',
  })
  date?: string;

  @ApiPropertyOptional({ description: 'Registration IP (proof)', example: '203.0.113.7' })
  @IsOptional()
  @IsIP(undefined, { message: 'ip must be an IP address' })
  ip?: string;

  @ApiPropertyOptional({ description: 'Registration URL (proof)', example: 'https://example.com/subscribe' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ default: false, description: 'true: state and ledger are written, no event is emitted' })
  @IsOptional()
  @Transform(booleanString)
  @IsBoolean()
  skip_triggers?: boolean;

  @ApiProperty({ enum: ALTCRAFT_CHANNELS })
  @Transform(lowerCase)
  @IsIn(ALTCRAFT_CHANNELS, { message: `channel must be one of ${ALTCRAFT_CHANNELS.join(', ')}` })
  channel: (typeof ALTCRAFT_CHANNELS)[number];

  @ApiPropertyOptional({ description: 'channel email', example: 'john@example.com' })
  @on('email')
  @IsDefined({ message: 'email is required for channel email' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'channel push', example: 'Firefox' })
  @on('push')
  @IsDefined({ message: 'provider is required for channel push' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ description: 'channel push', example: 'abcdefghijklmnqrstuvwxyz' })
  @on('push')
  @IsDefined({ message: 'subscription_id is required for channel push' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  subscription_id?: string;

  @ApiPropertyOptional({ description: 'channel sms', example: '+79000000000' })
  @on('sms')
  @IsDefined({ message: 'phone is required for channel sms' })
  @Transform(numberToString)
  @IsString()
  @IsPhoneNumberLike()
  phone?: string;

  @ApiPropertyOptional({ description: 'channel telegram_bot: { id }; channel whatsapp: { phone }', example: { id: 1 } })
  @on('telegram_bot', 'whatsapp')
  @IsDefined({ message: 'cc_data is required for this channel' })
  @NestedObject()
  @Type((help) => (String(help?.object?.channel).toLowerCase() === 'whatsapp' ? WhatsAppCcDataDto : TelegramCcDataDto))
  cc_data?: TelegramCcDataDto | WhatsAppCcDataDto;
}
