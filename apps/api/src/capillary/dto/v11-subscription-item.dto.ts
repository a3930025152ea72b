import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPhoneNumberLike } from '../../common/phone-number.validator';
import { CapillaryCode, code } from '../capillary-codes';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value);
const asString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

/** One item of the v1.1 `root.subscription` list; validated on its own, it succeeds or fails alone. */
export class V11SubscriptionItemDto {
  @IsOptional()
  @Transform(asString)
  @IsString()
  @IsPhoneNumberLike({ message: 'Invalid mobile number', ...code(CapillaryCode.INVALID_MOBILE) })
  mobile?: string;
  @IsOptional() @Transform(asString) @IsString() @MaxLength(320) email?: string;
  @IsOptional() @Transform(asString) @IsString() @MaxLength(320) external_id?: string;
  @IsOptional() @Transform(asString) @IsString() @MaxLength(20) id?: string;

  @Transform(upper)
  @IsIn(['TRANS', 'BULK'], { message: (a) => `Invalid priority ${String(a.value)}`, ...code(CapillaryCode.INVALID_PRIORITY) })
  priority: string;

  @IsOptional()
  @Transform(lower)
  @IsIn(['all'], { message: (a) => `Invalid scope ${String(a.value)}`, ...code(CapillaryCode.INVALID_SCOPE) })
  scope?: string;

  @Transform(lower)
  @IsIn(['sms', 'email'], { message: (a) => `Invalid channel ${String(a.value)}`, ...code(CapillaryCode.INVALID_CHANNEL) })
  channel: string;

  @Transform(asString)
  @IsNotEmpty({ message: 'is_subscribed is required', ...code(CapillaryCode.INVALID_STATUS) })
  @IsIn(['0', '1'], { message: (a) => `Invalid is_subscribed ${String(a.value)}`, ...code(CapillaryCode.INVALID_STATUS) })
  is_subscribed: string;
}
