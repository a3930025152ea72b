import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray } from 'class-validator';
import { NestedObject } from '../../common/nested-object.validator';
import { PlausibleWhenType } from '../../common/identifier-values';
import { CapillaryCode, code } from '../capillary-codes';
import { IdentifierDto } from './register-customer.dto';

/** One identifier to add or remove: a registration's, plus the page's codes for bad e-mails and mobiles. */
export class ChangedIdentifierDto extends IdentifierDto {}
// Applied to the inherited `value` (a redeclared field would shadow the parent's transform).
PlausibleWhenType('email', { message: 'Invalid email id', ...code(CapillaryCode.INVALID_EMAIL) })(ChangedIdentifierDto.prototype, 'value');
PlausibleWhenType('mobile', { message: 'Invalid mobile number', ...code(CapillaryCode.INVALID_MOBILE) })(ChangedIdentifierDto.prototype, 'value');

/** A list of identifiers to add or remove; absent or null (how many clients send absent) is none. */
const IdentifierList = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [ChangedIdentifierDto] }),
    Transform(({ value }) => value ?? []),
    IsArray(),
    ArrayMaxSize(50),
    NestedObject({ each: true }),
    Type(() => ChangedIdentifierDto),
  );

/** `POST /v2/customers/{id}/changeIdentifier` body: `{ add: [...], remove: [...] }`. */
export class ChangeIdentifierDto {
  @IdentifierList()
  add: ChangedIdentifierDto[] = [];

  @IdentifierList()
  remove: ChangedIdentifierDto[] = [];
}
