/**
 * An address as a page may show it to whoever holds the link (a forwarded mail reaches others):
 * enough to recognise, not enough to learn. `tom.sawyer@example.com` -> `t*********@example.com`,
 * `+919876543210` -> `+91******3210`.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at > 0) return `${address[0]}${'*'.repeat(Math.max(at - 1, 2))}${address.slice(at)}`;
  if (address.length <= 4) return '*'.repeat(address.length);
  const shown = Math.min(3, Math.floor(address.length / 4));
  return `${address.slice(0, shown)}${'*'.repeat(address.length - shown - 4)}${address.slice(-4)}`;
}
