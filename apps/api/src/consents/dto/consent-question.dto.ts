import { Channel } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { upperCase } from '../../common/transforms';

/** `?channel=&topic=&address=&accountId=` for GET /v1/customers/{id}/consent, and each bulk question. */
export class ConsentQuestionDto {
  @ApiProperty({ enum: Channel, description: 'Case-insensitive' })
  @Transform(upperCase)
  @IsEnum(Channel, { message: `channel must be one of ${Object.values(Channel).join(', ')}` })
  channel: Channel;

  @ApiProperty({ description: "Capillary's priority (TRANS, BULK), an Altcraft resource id or a WM category", example: 'BULK' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic: string;

  @ApiPropertyOptional({ description: 'The contact address; omitted asks about the customer as a whole, where every address-level record counts and `addresses` answers each', example: 'john@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  address?: string;

  @ApiPropertyOptional({ description: "Capillary's account, for multi-account sources", default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountId?: string;
}
