import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response schemas of the customer routes, for the OpenAPI document (the mappers build the bodies). */

export class CapillaryMessageDto {
  @ApiProperty({ example: 8100 }) code: number;
  @ApiProperty() message: string;
}

/** Every failure: `{ errors: [{code, message}], warnings: [] }`. */
export class CapillaryErrorBodyDto {
  @ApiProperty({ type: [CapillaryMessageDto] }) errors: CapillaryMessageDto[];
  @ApiProperty({ type: [CapillaryMessageDto] }) warnings: CapillaryMessageDto[];
}

export class UpdateCustomerResponseDto {
  @ApiProperty({ example: 329, description: "The customer's id (the survivor's, for a merged customer)" }) createdId: number;
  @ApiProperty({ type: [CapillaryMessageDto] }) warnings: CapillaryMessageDto[];
}

export class PaginationDto {
  @ApiProperty({ example: 10 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({ example: 33 }) total: number;
}

export class MatchedIdentifierDto {
  @ApiProperty({ example: 'firstName', description: 'firstName, lastName, or the identifier type (mobile, email ...)' }) idType: string;
  @ApiProperty({ example: 'Tom' }) idValue: string;
  @ApiProperty({ example: 'INSTORE' }) source: string;
  @ApiProperty({ example: '' }) accountId: string;
}

export class SearchProfileDto {
  @ApiProperty({ example: 'INSTORE' }) source: string;
  @ApiProperty({ example: '' }) accountId: string;
  @ApiProperty({ example: 'Tom' }) firstName: string;
  @ApiProperty({ example: 'Sawyer' }) lastName: string;
}

export class SearchHitDto {
  @ApiProperty({ example: 261504789 }) userId: number;
  @ApiProperty({ type: [MatchedIdentifierDto] }) matchedIdentifiers: MatchedIdentifierDto[];
  @ApiProperty({ type: [SearchProfileDto] }) profiles: SearchProfileDto[];
}

export class SearchResponseDto {
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
  @ApiProperty({ type: [SearchHitDto] }) data: SearchHitDto[];
  @ApiProperty({ type: [CapillaryMessageDto] }) warnings: CapillaryMessageDto[];
  @ApiProperty({ type: [CapillaryMessageDto] }) errors: CapillaryMessageDto[];
}

/** One program's figures without its id: the points summary. */
export class PointsSummaryDto {
  @ApiProperty({ example: 200 }) redeemed: number;
  @ApiProperty({ example: 0 }) expired: number;
  @ApiProperty({ example: 1100.2139892578125 }) returned: number;
  @ApiProperty({ example: 50 }) adjusted: number;
  @ApiProperty({ example: 500 }) lifetimePoints: number;
  @ApiProperty({ example: 350 }) loyaltyPoints: number;
  @ApiProperty({ example: 8500 }) cumulativePurchases: number;
  @ApiProperty({ example: 52350728, nullable: true, type: Number }) loyaltyId: number | null;
  @ApiProperty({ example: 'Gold' }) currentSlab: string;
  @ApiProperty({ example: 'Platinum' }) nextSlab: string;
  @ApiProperty({ example: 3, description: '-1 when there is no next slab' }) nextSlabSerialNumber: number;
  @ApiProperty({ example: 'Platinum tier' }) nextSlabDescription: string;
  @ApiProperty({ example: 2, nullable: true, type: Number }) slabSNo: number | null;
  @ApiProperty({ example: '2117-12-29T23:59:59+05:30', nullable: true, type: String }) slabExpiryDate: string | null;
}

export class LoyaltyProgramDetailsDto extends PointsSummaryDto {
  @ApiProperty({ example: 1219 }) programId: number;
}

export class LoyaltyDetailsResponseDto {
  @ApiProperty({ type: [LoyaltyProgramDetailsDto] }) data: LoyaltyProgramDetailsDto[];
  @ApiProperty({ type: [CapillaryMessageDto] }) warnings: CapillaryMessageDto[];
  @ApiProperty({ type: [CapillaryMessageDto] }) errors: CapillaryMessageDto[];
}

export class AttributionActorDto {
  @ApiProperty({ description: 'The API key id' }) code: string;
  @ApiProperty() description: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'API_KEY' }) type: string;
}

export class ProfileAttributionDto {
  @ApiProperty() createDate: string;
  @ApiPropertyOptional({ type: AttributionActorDto }) createdBy?: AttributionActorDto;
  @ApiPropertyOptional({ type: AttributionActorDto }) modifiedBy?: AttributionActorDto;
  @ApiProperty() modifiedDate: string;
}

export class CustomerProfileResponseDto {
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: ProfileAttributionDto }) attribution: ProfileAttributionDto;
  @ApiProperty({ type: Object }) fields: Record<string, unknown>;
  @ApiProperty({ example: [{ type: 'email', value: 'tom.sawyer@example.com' }] }) identifiers: Array<{ type: string; value: string }>;
  @ApiProperty({ example: [{ type: 'email', value: 'tom.sawyer@example.com', primary: true, verified: false, meta: { residence: true } }] })
  commChannels: unknown[];
  @ApiProperty() source: string;
  @ApiProperty() accountId: string;
  @ApiProperty() userId: number;
  @ApiProperty({ type: [Object] }) conflictingProfileList: unknown[];
  @ApiProperty() autoUpdateTime: string;
}

export class LoyaltyInfoResponseDto {
  @ApiProperty({ enum: ['loyalty', 'non_loyalty'] }) loyaltyType: string;
  @ApiProperty({ type: Object }) attributionV2: Record<string, unknown>;
  @ApiPropertyOptional({ type: PointsSummaryDto, description: "embed=points: the figures of the customer's first program (lowest id); zeros when it has none" })
  pointsSummary?: PointsSummaryDto;
  @ApiPropertyOptional({ type: [LoyaltyProgramDetailsDto], description: 'embed=mlp' }) loyaltyProgramDetails?: LoyaltyProgramDetailsDto[];
}

export class CustomerResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ type: [CustomerProfileResponseDto] }) profiles: CustomerProfileResponseDto[];
  @ApiProperty({ type: LoyaltyInfoResponseDto }) loyaltyInfo: LoyaltyInfoResponseDto;
  @ApiProperty({ type: Object }) segments: Record<string, unknown>;
  @ApiProperty({ type: Object }) extendedFields: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'embed=subscriptions', example: { subscriptions: [{ channel: 'EMAIL', accountId: '', priority: 'TRANS', type: 'OPTIN' }] } })
  subscriptionInfo?: Record<string, unknown>;
  @ApiProperty({ type: [CapillaryMessageDto] }) warnings: CapillaryMessageDto[];
}
