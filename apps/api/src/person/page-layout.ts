import { contrastRatio, OrgPresentation } from '@app/domain';
import { Html, html } from './html';

const DEFAULT_ACCENT = '#1d4ed8';

/** Black or white, whichever reads better on the accent (WCAG contrast). */
const textOn = (accent: string) => (contrastRatio(accent, '#000000') > contrastRatio(accent, '#ffffff') ? '#000000' : '#ffffff');

/**
 * The frame of every page a person opens: no script, works at phone width, visible focus, the
 * org's name (and logo and accent colour when its settings give them).
 */
export function pageLayout(org: OrgPresentation | null, title: string, body: Html): string {
  const accent = org?.accentColor && /^#[0-9a-fA-F]{6}$/.test(org.accentColor) ? org.accentColor : DEFAULT_ACCENT;
  const logo = org?.logoUrl && /^https:\/\//.test(org.logoUrl) ? org.logoUrl : null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}${org ? ` · ${org.displayName}` : ''}</title>
<style>
  :root { --accent: ${accent}; --on-accent: ${textOn(accent)}; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #f5f5f5; }
  header { display: flex; align-items: center; gap: .75rem; padding: 1rem; background: #fff; border-bottom: 1px solid #d4d4d4; }
  header img { max-height: 2.5rem; max-width: 8rem; }
  header span { font-weight: 600; }
  main { max-width: 36rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
  section { background: #fff; border: 1px solid #d4d4d4; border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
  fieldset { border: 0; margin: 0; padding: 0; }
  legend { font-weight: 600; margin-bottom: .5rem; }
  .choice { display: flex; align-items: center; gap: .75rem; padding: .5rem 0; }
  .choice input { width: 1.5rem; height: 1.5rem; accent-color: var(--accent); }
  button { font: inherit; min-height: 2.75rem; padding: .5rem 1rem; border-radius: .375rem; cursor: pointer; width: 100%; margin-top: .75rem; }
  .primary { background: var(--accent); color: var(--on-accent); border: 2px solid var(--accent); }
  .secondary { background: #fff; color: #1a1a1a; border: 2px solid #525252; }
  :focus-visible { outline: 3px solid #000; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
  .muted { color: #404040; }
  ul.changes { padding-left: 1.25rem; }
</style>
</head>
<body>
<header>${logo ? html`<img src="${logo}" alt="">` : null}<span>${org?.displayName ?? ''}</span></header>
<main id="main">
${body}
</main>
</body>
</html>`.text;
}

/** Headers of every page: never cached, never indexed, the token in the URL never sent onward. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; frame-ancestors 'none'",
};
