import { NestedObject } from '../../common/nested-object.validator';
import { IsSafeInteger } from '../../common/safe-integer.validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsResponsysName } from './names';

const MAX_URL = 2048;

export class BasicCredentialsDto {
  @ApiProperty({ example: 'john_doe' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(/^[^:]*$/, { message: 'userName cannot contain ":"' })
  userName: string;

  @ApiProperty({ example: 'Oracle1234', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  password: string;
}

/**
 * Basic auth for the callback URL. The issue puts userName and password beside `type`; Oracle's
 * pages put them under `data`: both are accepted.
 */
export class CallbackAuthenticationDto {
  @ApiProperty({ enum: ['B'], description: 'B = Basic, the only type' })
  @IsIn(['B'], { message: 'authentication.type can only be B' })
  type: string;

  @ApiPropertyOptional({ example: 'john_doe' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(/^[^:]*$/, { message: 'userName cannot contain ":"' })
  userName?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  password?: string;

  @ApiPropertyOptional({ type: BasicCredentialsDto, description: "Oracle's spelling" })
  @IsOptional()
  @NestedObject()
  @Type(() => BasicCredentialsDto)
  data?: BasicCredentialsDto;
}

/**
 * POST and PUT body. On PUT the name, if sent, must be the one in the path. Oracle's pages spell
 * the name and URL `name` and `url`: both spellings are accepted.
 */
export class CallbackDto {
  @ApiPropertyOptional({ example: 'Email_Callback', description: 'Required on create (or its alias name)' })
  @IsOptional()
  @IsResponsysName()
  callBackName?: string;

  @ApiPropertyOptional({ description: 'Alias of callBackName (Oracle pages)' })
  @IsOptional()
  @IsResponsysName()
  name?: string;

  @ApiPropertyOptional({ example: 'https://hooks.example.com/optline' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URL)
  callBackUrl?: string;

  @ApiPropertyOptional({ description: 'Alias of callBackUrl (Oracle pages)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URL)
  url?: string;

  @ApiPropertyOptional({ description: 'Used after 3 failed attempts on the primary URL' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URL)
  backupUrl?: string;

  @ApiPropertyOptional({ type: CallbackAuthenticationDto })
  @IsOptional()
  @NestedObject()
  @Type(() => CallbackAuthenticationDto)
  authentication?: CallbackAuthenticationDto;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; optline batches per subscription (its batchSize)' })
  @IsOptional()
  @IsSafeInteger()
  @Min(1)
  @Max(200)
  batchSize?: number;
}
