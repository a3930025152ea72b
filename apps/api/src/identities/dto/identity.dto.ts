import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IDENTITY_TYPES } from '../identity-types';

/** Altcraft's db_id and WM's numbers arrive as JSON numbers; identities are strings. */
const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

/** `?source=&accountId=`: where an identity lives, for the types that need it. */
export class IdentityPlaceDto {
  @ApiPropertyOptional({ description: 'Capillary identifiers: INSTORE (default), MARTJACK, WECHAT, FACEBOOK' })
  @IsOptional()
  @IsString()
  source?: string;

  @ApiPropertyOptional({ description: "WECHAT/FACEBOOK: the account; altcraftProfile: the profile's db_id" })
  @IsOptional()
  @Transform(asString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  accountId?: string;
}

/** `POST /v1/customers/{id}/identities`. */
export class AttachIdentityDto extends IdentityPlaceDto {
  @ApiProperty({ enum: IDENTITY_TYPES, example: 'wmCustomer' })
  @IsIn(IDENTITY_TYPES)
  type: string;

  @ApiProperty({ example: '123' })
  @Transform(asString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  value: string;
}
