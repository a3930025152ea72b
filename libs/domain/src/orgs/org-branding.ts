import { ErrorCodes, invalid } from '../common/domain-error';

/** How the pages a person opens (unsubscribe, preferences, confirm) present the org. */
export interface OrgBranding {
  /** null: the org's slug. */
  displayName: string | null;
  /** An https image; null: none. */
  logoUrl: string | null;
  /** #rrggbb; null: the pages' default. */
  accentColor: string | null;
}

export const MAX_DISPLAY_NAME_LENGTH = 100;
export const MAX_LOGO_URL_LENGTH = 2048;
/** WCAG 2 AA for normal text: the accent colours links and button fills on a white page. */
export const MIN_ACCENT_CONTRAST = 4.5;

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** What is wrong with each field given (undefined: not given, null: back to the default); [] when nothing. */
export function brandingProblems(asked: Partial<OrgBranding>): string[] {
  const problems: string[] = [];
  const { displayName, logoUrl, accentColor } = asked;
  if (displayName != null && (displayName.trim() === '' || displayName.length > MAX_DISPLAY_NAME_LENGTH)) {
    problems.push(`displayName must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  if (logoUrl != null && !isHttpsUrl(logoUrl)) {
    problems.push(`logoUrl must be an https URL of at most ${MAX_LOGO_URL_LENGTH} characters`);
  }
  if (accentColor != null) {
    if (!HEX_COLOR.test(accentColor)) problems.push('accentColor must be a colour as #rrggbb');
    else if (contrastRatio(accentColor, '#ffffff') < MIN_ACCENT_CONTRAST) {
      const ratio = contrastRatio(accentColor, '#ffffff').toFixed(2);
      problems.push(`accentColor ${accentColor} has a contrast of ${ratio}:1 against white; text needs at least ${MIN_ACCENT_CONTRAST}:1 (WCAG AA)`);
    }
  }
  return problems;
}

/** The branding as it will be stored: checked (INVALID_BRANDING lists every problem), the name trimmed, the colour lower-cased. */
export function checkedBranding<T extends Partial<OrgBranding>>(asked: T): T {
  const problems = brandingProblems(asked);
  if (problems.length) throw invalid(ErrorCodes.INVALID_BRANDING, problems.join('; '));
  return {
    ...asked,
    ...(asked.displayName != null ? { displayName: asked.displayName.trim() } : {}),
    ...(asked.accentColor != null ? { accentColor: asked.accentColor.toLowerCase() } : {}),
  };
}

function isHttpsUrl(value: string): boolean {
  if (value.length > MAX_LOGO_URL_LENGTH) return false;
  try {
    const url = new URL(value);
    // No credentials in a URL every person's browser will be shown.
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
