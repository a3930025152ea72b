import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { NestedObject } from '../../common/nested-object.validator';
import { PlausibleWhenType } from '../../common/identifier-values';
import { booleanString, lowerCase, numberToString } from '../../common/transforms';
import { capillaryChannel } from '../capillary-channels';
import { CapillaryCode, code } from '../capillary-codes';
import { IdentifierDto, LoyaltyInfoDto } from './register-customer.dto';

const INVALID_CHANNEL = { message: 'Communication channel is invalid', ...code(CapillaryCode.COMM_CHANNEL_INVALID) };

/** A comm channel type Capillary knows (email, mobile, wechat, whatsapp ...), any case. */
const IsCommChannelType = () =>
  ValidateBy({ name: 'isCommChannelType', validator: { validate: (value) => typeof value === 'string' && !!capillaryChannel(value) } }, INVALID_CHANNEL);

/** One comm channel of an update; booleans arrive as JSON booleans or as "true"/"false" (the page's sample). */
export class UpdateCommChannelDto {
  @ApiProperty({ example: 'email', description: 'email, mobile, wechat, whatsapp, ios, android, line, push' })
  @Transform(lowerCase)
  @IsCommChannelType()
  type: string;

  @ApiProperty({ example: 'tom.sawyer@example.com' })
  @Transform(numberToString)
  @IsString(INVALID_CHANNEL)
  @IsNotEmpty(INVALID_CHANNEL)
  @MaxLength(320, INVALID_CHANNEL)
  @PlausibleWhenType('email', { message: 'Invalid email id passed in the comm channel', ...code(CapillaryCode.COMM_CHANNEL_EMAIL_INVALID) })
  @PlausibleWhenType('mobile', { message: 'Invalid mobile number passed in the comm channel', ...code(CapillaryCode.COMM_CHANNEL_MOBILE_INVALID) })
  value: string;

  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @Transform(booleanString) @IsBoolean(INVALID_CHANNEL) primary?: boolean;
  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @Transform(booleanString) @IsBoolean(INVALID_CHANNEL) verified?: boolean;
  @ApiPropertyOptional({ example: { residence: true } }) @IsOptional() @IsObject(INVALID_CHANNEL) meta?: Record<string, unknown>;
}

/** One profile of an update. Identifiers, source and accountId are read but never changed here. */
export class UpdateProfileDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) firstName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) lastName?: string;
  @ApiPropertyOptional({ description: 'Custom fields, merged into those held' }) @IsOptional() @IsObject() fields?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [IdentifierDto], description: 'Not changed here (use changeIdentifier); a warning lists those the profile does not hold' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @NestedObject({ each: true })
  @Type(() => IdentifierDto)
  identifiers?: IdentifierDto[];

  @ApiPropertyOptional({ type: [UpdateCommChannelDto], description: 'Each replaces the held channel of its type and value, or is added' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @NestedObject({ each: true })
  @Type(() => UpdateCommChannelDto)
  commChannels?: UpdateCommChannelDto[];

  @ApiPropertyOptional({ description: 'Not changed here: the query string names the profile; a different one is a warning' })
  @IsOptional()
  @IsString()
  source?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(numberToString) @IsString() accountId?: string;
}

/** `PUT /v2/customers/{id}?source=&accountId=` body, as the page's sample. */
export class UpdateCustomerDto {
  @ApiProperty({ type: [UpdateProfileDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @NestedObject({ each: true })
  @Type(() => UpdateProfileDto)
  profiles: UpdateProfileDto[];

  @ApiPropertyOptional({ type: LoyaltyInfoDto, description: 'non_loyalty to loyalty only (8018 the other way)' })
  @IsOptional()
  @NestedObject()
  @Type(() => LoyaltyInfoDto)
  loyaltyInfo?: LoyaltyInfoDto;

  @ApiPropertyOptional({ description: 'Merged into those held' }) @IsOptional() @IsObject() extendedFields?: Record<string, unknown>;
}
