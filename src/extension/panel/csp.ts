// The webviews' Content Security Policy: scripts only with the page's nonce, styles, images and
// fonts only from the extension's own resources, nothing else (no remote loads, no eval, no inline styles).

export function contentSecurityPolicy(cspSource: string, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${scriptNonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}
