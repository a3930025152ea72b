import { MAX_DISPLAY_NAME_LENGTH, MAX_LOGO_URL_LENGTH } from '@app/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The whole branding of the org's pages: a field left out or null goes back to its default. Types
 * and lengths are checked here; what makes a value usable (https, #rrggbb, contrast) is the
 * domain's rule (checkedBranding), shared with the CLI.
 */
export class OrgBrandingDto {
  @ApiPropertyOptional({ nullable: true, maxLength: MAX_DISPLAY_NAME_LENGTH, description: "How the pages name the org; null: its slug", example: 'Sawyer & Finn Outfitters' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DISPLAY_NAME_LENGTH)
  displayName?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: MAX_LOGO_URL_LENGTH, description: 'An https image shown in the header; null: none', example: 'https://cdn.example.com/logo.png' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_LOGO_URL_LENGTH)
  logoUrl?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description: '#rrggbb with a contrast of at least 4.5:1 against white (WCAG AA); null: the default blue',
    example: '#0f766e',
  })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  accentColor?: string | null;
}
