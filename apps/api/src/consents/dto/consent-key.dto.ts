import { Channel } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { trimmed, upperCase } from '../../common/transforms';

/** What names a consent record besides its customer and address: asked by a question, given by a write. */
export class ConsentKeyDto {
  @ApiProperty({ enum: Channel, description: 'Case-insensitive', example: 'EMAIL' })
  @Transform(upperCase)
  @IsEnum(Channel, { message: `channel must be one of ${Object.values(Channel).join(', ')}` })
  channel: Channel;

  @ApiProperty({ description: "Capillary's priority (TRANS, BULK), an Altcraft resource id or a WM category", example: 'BULK' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic: string;

  @ApiPropertyOptional({ description: "Capillary's account, for multi-account sources", default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountId?: string;
}

/** The contact address of a record: at most the length of an email address. */
export const MAX_ADDRESS_LENGTH = 320;
