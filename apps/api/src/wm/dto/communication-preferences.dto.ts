import { NestedObject } from '../../common/nested-object.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { numberToString, upperCase } from '../../common/transforms';
import { canonicalWmChannel, WM_CHANNEL_NAMES, WmChannelName } from '../wm-vocabulary';

export class WmSelectionDto {
  @ApiProperty({ example: '1233454567', description: 'Email or phone number depending on the channel' })
  value: string;

  @ApiPropertyOptional({ example: 'BPHONE', description: 'Selection type (billing mobile, service email ...)' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  @ApiProperty({ enum: ['Y', 'N'] })
  @Transform(upperCase)
  @IsIn(['Y', 'N'], { message: 'is_opt_in must be Y or N' })
  is_opt_in: 'Y' | 'N';
}

/** A selection of the Email channel: the value is an email address. */
export class WmEmailSelectionDto extends WmSelectionDto {
  @Transform(numberToString)
  @IsEmail({}, { message: 'value must be an email address for channel Email' })
  @MaxLength(320)
  declare value: string;
}

/** A selection of the Text or Voice channel: the value is a phone number. */
export class WmPhoneSelectionDto extends WmSelectionDto {
  @Transform(numberToString)
  @IsString()
  @IsPhoneNumberLike({ message: 'value must be a phone number for channels Text and Voice' })
  declare value: string;
}

export class WmChannelDto {
  @ApiProperty({ enum: WM_CHANNEL_NAMES })
  @Transform(({ value }) => canonicalWmChannel(value))
  @IsIn(WM_CHANNEL_NAMES, { message: `name must be one of ${WM_CHANNEL_NAMES.join(', ')}` })
  name: WmChannelName;

  @ApiProperty({ type: [WmSelectionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @NestedObject({ each: true })
  @Type((help) => (canonicalWmChannel(help?.object?.name) === 'Email' ? WmEmailSelectionDto : WmPhoneSelectionDto))
  selections: WmSelectionDto[];
}

export class WmPreferenceDto {
  @ApiProperty({ example: 'Service Exception', description: 'The consent topic' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  category: string;

  @ApiProperty({ type: [WmChannelDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @NestedObject({ each: true })
  @Type(() => WmChannelDto)
  channels: WmChannelDto[];
}

export class WmAuditInfoDto {
  @ApiPropertyOptional({ example: 'johnm', description: 'Recorded on the ledger as the actor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  modified_by?: string;
}

/** PUT /api/v1/customers/{customerId}/communication-preferences */
export class CommunicationPreferencesDto {
  @ApiProperty({ type: [WmPreferenceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @NestedObject({ each: true })
  @Type(() => WmPreferenceDto)
  preferences: WmPreferenceDto[];

  @ApiPropertyOptional({ type: WmAuditInfoDto })
  @IsOptional()
  @NestedObject()
  @Type(() => WmAuditInfoDto)
  audit_info?: WmAuditInfoDto;
}
