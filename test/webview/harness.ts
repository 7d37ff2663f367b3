// Loads a built webview bundle in headless Chromium on a page made like VS Code's webview: the
// same CSP (with a nonce), theme variables set on <html> and a body class, and a stand-in
// `acquireVsCodeApi` whose postMessage records commands. The host's messages are delivered as
// window message events, as VS Code does. Used by the webview tests and the render benchmark.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { execFileSync } from 'child_process';
import type { AddressInfo } from 'net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { THEMES, type ThemeName } from './themes';
import { contentSecurityPolicy } from '../../src/extension/panel/csp';

/** The repository: the nearest folder above this module (or the bundle it was built into) with the project's package.json. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'distillation-studio'
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`the project's package.json was not found above ${from}`);
  }
}

export const ROOT = findRoot(__dirname);
export const CHROMIUM = process.env.KD_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type Bundle = 'panel' | 'compare';

let built = false;

/** Builds dist/webview/*.js with the project's build script (once per test process). */
export function buildWebviews(): void {
  if (built) return;
  built = true;
  try {
    execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`node build.mjs failed:\n${String((error as { stderr?: Buffer }).stderr ?? error)}`, {
      cause: error,
    });
  }
  for (const bundle of ['panel', 'compare']) {
    if (!fs.existsSync(path.join(ROOT, 'dist/webview', `${bundle}.js`)))
      throw new Error(`dist/webview/${bundle}.js was not built`);
  }
}

const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3ODkw';

/** The stand-in for VS Code's webview API; runs before the bundle. */
function standIn(theme: ThemeName, state: unknown): string {
  const { bodyClass, vars } = THEMES[theme];
  return `
(() => {
  // Functions evaluated in the page from TypeScript run through tsx/esbuild, which may wrap them with its __name helper.
  window.__name = window.__name || ((f) => f);
  const kd = window.__kd = { posted: [], state: ${JSON.stringify(state ?? null)}, violations: [], acquired: 0 };
  kd.send = (message) => window.postMessage(message, '*');
  window.acquireVsCodeApi = () => {
    kd.acquired++;
    return {
      postMessage: (message) => kd.posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => kd.state ?? undefined,
      setState: (s) => { kd.state = JSON.parse(JSON.stringify(s)); return s; },
    };
  };
  kd.setTheme = (vars, bodyClass) => {
    for (const [name, value] of Object.entries(vars)) document.documentElement.style.setProperty(name, value);
    document.body.className = bodyClass;
  };
  document.addEventListener('securitypolicyviolation', (e) => kd.violations.push(e.violatedDirective + ' ' + e.blockedURI));
  document.addEventListener('DOMContentLoaded', () => kd.setTheme(${JSON.stringify(vars)}, ${JSON.stringify(bodyClass)}));
  if (document.body) kd.setTheme(${JSON.stringify(vars)}, ${JSON.stringify(bodyClass)});
})();`;
}

function pageHtml(bundle: Bundle, origin: string): string {
  // The CSP the host sets, with the test server as the webview's source.
  const csp = contentSecurityPolicy(origin, NONCE);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${bundle}</title>
</head>
<body>
<script nonce="${NONCE}" src="${origin}/stand-in.js"></script>
<div id="app"></div>
<script nonce="${NONCE}" src="${origin}/dist/webview/${bundle}.js"></script>
</body>
</html>`;
}

export interface WebviewHarness {
  browser: Browser;
  origin: string;
  /** Opens a bundle in a fresh page with a theme and, optionally, the state a reload would restore. */
  open(
    bundle: Bundle,
    options?: { theme?: ThemeName; state?: unknown; width?: number; height?: number },
  ): Promise<WebviewPage>;
  close(): Promise<void>;
}

export interface WebviewPage {
  page: Page;
  errors: string[];
  /** Delivers a host message to the webview. */
  send(message: unknown): Promise<void>;
  /** Commands the webview posted so far. */
  posted<T = { type: string }>(): Promise<T[]>;
  violations(): Promise<string[]>;
  setTheme(theme: ThemeName): Promise<void>;
  /** Waits until the panel has taken every view sent, folded `count` events since the last one and drawn its diagrams. */
  settled(count: number): Promise<void>;
}

export async function startHarness(): Promise<WebviewHarness> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
  const pending = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/stand-in.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(pending.get(url.searchParams.get('id') ?? '') ?? pending.get('latest') ?? '');
      return;
    }
    const page = /^\/(panel|compare)\.html$/.exec(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pageHtml(page[1] as Bundle, `http://${req.headers.host}`));
      return;
    }
    const file = path.join(ROOT, path.normalize(url.pathname));
    if (url.pathname.startsWith('/dist/webview/') && file.startsWith(ROOT) && fs.existsSync(file)) {
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

  return {
    browser,
    origin,
    async open(bundle, options = {}) {
      pending.set('latest', standIn(options.theme ?? 'dark', options.state));
      const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${origin}/${bundle}.html`);
      await page.waitForFunction(() =>
        (window as unknown as { __kd: { posted: { type: string }[] } }).__kd.posted.some((m) => m.type === 'ready'),
      );
      let views = 0;
      return {
        page,
        errors,
        send: (message) => {
          if ((message as { type?: string }).type === 'panel/view') views++;
          return page.evaluate(
            (m) => (window as unknown as { __kd: { send(m: unknown): void } }).__kd.send(m),
            message,
          );
        },
        posted: <T>() =>
          page.evaluate(() => (window as unknown as { __kd: { posted: unknown[] } }).__kd.posted) as Promise<T[]>,
        violations: () =>
          page.evaluate(() => (window as unknown as { __kd: { violations: string[] } }).__kd.violations),
        setTheme: (theme) =>
          page.evaluate(
            ([vars, cls]) =>
              (window as unknown as { __kd: { setTheme(v: unknown, c: string): void } }).__kd.setTheme(vars, cls),
            [THEMES[theme].vars, THEMES[theme].bodyClass] as const,
          ),
        settled: async (count) => {
          await page.waitForFunction((expected) => document.body.dataset.settled === expected, `${views}:${count}`);
        },
      };
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
