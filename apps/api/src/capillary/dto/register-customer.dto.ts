import { NestedObject } from '../../common/nested-object.validator';
import { IDENTIFIER_TYPES } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { CapillaryCode, code } from '../capillary-codes';

/** Capillary sends numbers for mobiles in some samples; identifiers are strings here. */
const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);
/** Its samples spell booleans both `true` and `"true"`. */
const asBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

const isMobile = (identifier: object) => (identifier as IdentifierDto).type === 'mobile';

export class IdentifierDto {
  @ApiProperty({ enum: IDENTIFIER_TYPES })
  @IsIn(IDENTIFIER_TYPES, { message: 'Customer identifier is invalid', ...code(CapillaryCode.INVALID_IDENTIFIER) })
  type: string;

  @ApiProperty()
  @Transform(asString)
  @IsString()
  @IsNotEmpty({ ...code(CapillaryCode.INVALID_IDENTIFIER) })
  @MaxLength(320)
  @IsPhoneNumberLike({ message: 'Invalid mobile number', ...code(CapillaryCode.INVALID_MOBILE) }, isMobile)
  value: string;
}

export class CommChannelDto {
  @ApiProperty({ example: 'email' })
  @IsString()
  @IsNotEmpty()
  type: string;

  @ApiProperty()
  @Transform(asString)
  @IsString()
  @IsNotEmpty()
  value: string;

  @ApiPropertyOptional() @IsOptional() @Transform(asBoolean) primary?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(asBoolean) verified?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsObject() meta?: Record<string, unknown>;
}

export class ProfileDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) firstName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) lastName?: string;
  @ApiPropertyOptional({ description: 'Custom fields' }) @IsOptional() @IsObject() fields?: Record<string, unknown>;

  @ApiProperty({ type: [IdentifierDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'At least one identifier is required', ...code(CapillaryCode.INVALID_IDENTIFIER) })
  @ArrayMaxSize(50)
  @NestedObject({ each: true })
  @Type(() => IdentifierDto)
  identifiers: IdentifierDto[];

  @ApiPropertyOptional({ type: [CommChannelDto] })
  @IsOptional()
  @IsArray()
  @NestedObject({ each: true })
  @Type(() => CommChannelDto)
  commChannels?: CommChannelDto[];

  /** Accepted for compatibility with the update payload; the query string decides the source. */
  @IsOptional() @IsString() source?: string;
  @IsOptional() @IsString() accountId?: string;
}

export class LoyaltyInfoDto {
  @ApiPropertyOptional({ enum: ['loyalty', 'non_loyalty'] })
  @IsOptional()
  @IsIn(['loyalty', 'non_loyalty'])
  loyaltyType?: string;

  /** Capillary's own sample carries a `_comment`; it is accepted and ignored. */
  @IsOptional() @IsString() _comment?: string;
}

export class RegisterCustomerDto {
  @ApiProperty({ type: [ProfileDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @NestedObject({ each: true })
  @Type(() => ProfileDto)
  profiles: ProfileDto[];

  @ApiPropertyOptional({ type: LoyaltyInfoDto })
  @IsOptional()
  @NestedObject()
  @Type(() => LoyaltyInfoDto)
  loyaltyInfo?: LoyaltyInfoDto;

  @ApiPropertyOptional() @IsOptional() @IsObject() extendedFields?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsObject() attributionV2?: Record<string, unknown>;
}
