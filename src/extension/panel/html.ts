// The HTML shell of a webview: a strict CSP with a per-load nonce, the bundle from dist/webview
// through asWebviewUri, and nothing remote. Styles are adopted by the bundle as constructable
// stylesheets, so style-src needs no 'unsafe-inline'.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { contentSecurityPolicy } from './csp';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** Scripts only; resources only from the extension's dist/ and media/ folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle: 'panel' | 'compare',
  title: string,
): string {
  const scriptNonce = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, scriptNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${scriptNonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
