import { Channel, ConsentStatus } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { upperCase } from '../../common/transforms';

/** PUT /v1/customers/{id}/consents: one consent change in optline's own words. */
export class RecordConsentDto {
  @ApiProperty({ enum: Channel, description: 'Case-insensitive', example: 'EMAIL' })
  @Transform(upperCase)
  @IsEnum(Channel, { message: `channel must be one of ${Object.values(Channel).join(', ')}` })
  channel: Channel;

  @ApiProperty({ description: "Capillary's priority (TRANS, BULK), an Altcraft resource id or a WM category", example: 'BULK' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic: string;

  @ApiProperty({
    enum: ConsentStatus,
    description: 'OPTIN allows sending; every other status forbids it (OPTOUT, and the finer COMPLAINED, HARDBOUNCED ...)',
    example: 'OPTOUT',
  })
  @Transform(upperCase)
  @IsEnum(ConsentStatus, { message: `status must be one of ${Object.values(ConsentStatus).join(', ')}` })
  status: ConsentStatus;

  @ApiPropertyOptional({ description: 'The contact address; omitted records the channel-wide choice', example: 'tom@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  address?: string;

  @ApiPropertyOptional({ description: "Capillary's account, for multi-account sources", default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the person made the choice; default: when the request arrived. An older change than the recorded one is kept as superseded.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 time such as 2026-05-01T10:00:00Z' })
  occurredAt?: string;

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
