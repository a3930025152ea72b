import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * One spelling per e-mail address and phone number, so that the same person typed two ways is
 * one record. Every function here is total (it never throws) and idempotent
 * (f(f(x)) === f(x) for every region), because stored rows and ledger replays are normalized again
 * with it and must land on the same key.
 */

/** What people put between digits: spaces, dashes, dots, slashes, parentheses. */
const SEPARATORS = /[\s\-()./]/g;
/** E.164 allows at most 15 digits; fewer than 5 is no subscriber number anywhere. */
const MIN_DIGITS = 5;
const MAX_DIGITS = 15;

export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

/** A region code libphonenumber knows (upper-cased), or undefined for anything else. */
export function toPhoneRegion(value: string | null | undefined): CountryCode | undefined {
  const upper = value?.trim().toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : undefined;
}

/** The value without separators, and where its digits start when it carries a country code. */
function cleanPhone(value: string): { cleaned: string; isInternational: boolean; digits: string } {
  const cleaned = value.trim().replace(SEPARATORS, '');
  // Decided on the cleaned text, not the raw one, so that "(00) 12..." and "0012..." agree.
  if (cleaned.startsWith('+')) return { cleaned, isInternational: true, digits: cleaned.slice(1) };
  if (cleaned.startsWith('00')) return { cleaned, isInternational: true, digits: cleaned.slice(2) };
  return { cleaned, isInternational: false, digits: cleaned };
}

/**
 * Whether a value can be a phone number at all: digits and separators only, an optional leading
 * `+` (or `00`), and 5 to 15 digits after it. Dialects refuse anything else where a phone is
 * required; a possible number that no numbering plan knows still passes.
 */
export function isPhoneNumberLike(value: string): boolean {
  const { digits } = cleanPhone(value);
  return /^\d+$/.test(digits) && digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS;
}

/** E.164 when libphonenumber finds the text a possible number, else undefined. */
function possibleE164(text: string, region?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(text, region ? { defaultCountry: region } : undefined);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * `+digits` read as an international number, again until the reading stops changing it. Every
 * E.164 result passes through here, even one read in a region, because a reading is not always a
 * fixed point: a national read can keep a trunk 0 that an international read drops (0422200406 in
 * IM), and an international read drops one trunk prefix at a time (+375 8 8 ... in BY). Each
 * change shortens the number, so the loop ends; the bound is a guard.
 */
function international(digits: string): string {
  let current = `+${digits}`;
  for (let reading = 0; reading <= MAX_DIGITS; reading++) {
    const next = possibleE164(current) ?? current;
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * A phone number in E.164 where one can be told, else its digits:
 * - with `+` or `00`: international (kept as `+digits` when no plan makes it possible);
 * - else, in the region's national format when a region applies and that is possible;
 * - else, as `+digits` when that is possible (a country code without its `+`);
 * - else the digits alone (e.g. `1233454567` with no region).
 * A value that is no phone number at all (see isPhoneNumberLike) only loses its separators.
 */
export function normalizePhoneNumber(value: string, region?: string): string {
  const { cleaned, isInternational, digits } = cleanPhone(value);
  if (!isPhoneNumberLike(value)) return cleaned;
  if (isInternational) return international(digits);
  const country = toPhoneRegion(region);
  const national = country && possibleE164(digits, country);
  if (national) return international(national.slice(1));
  return possibleE164(`+${digits}`) ?? digits;
}
