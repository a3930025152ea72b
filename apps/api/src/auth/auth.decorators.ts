import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'optline:public';
export const BODY_TOKEN = 'optline:body-token';
export const REQUIRED_HEADERS = 'optline:required-headers';

/** No API key needed (health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The key may also come as this body field (Altcraft's `token`). */
export const AcceptsBodyToken = (field = 'token') => SetMetadata(BODY_TOKEN, field);
