// Starts code-server (installed by scripts/code-server/setup.sh) on a free local port with its own
// user-data and extensions folders, and opens its workbench in headless Chromium. Used by the
// integration launcher and the end-to-end suite.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = process.env.KD_CODE_SERVER_DIR ?? path.join(ROOT, '.cache', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.KD_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function requireFiles(files: string[], hint: string): void {
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`missing ${missing.map((f) => path.relative(ROOT, f)).join(', ')}: ${hint}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(2000, () => {
      request.destroy();
      resolve(0);
    });
  });
}

export interface Session {
  /** http://127.0.0.1:PORT */
  origin: string;
  host: string;
  tmp: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  server: ChildProcess;
  serverLog: string;
  browser?: Browser;
  page?: Page;
}

export interface StartOptions {
  /** A folder copied into the session as its workspace. */
  fixture: string;
  /** User settings (settings.json of the temporary profile). */
  settings?: Record<string, unknown>;
  /** A .vsix installed into the session's extensions folder before the server starts. */
  vsix?: string;
  /** Open the folder untrusted, in Restricted Mode (default: trust checks off, as a trusted folder). */
  restricted?: boolean;
  env?: NodeJS.ProcessEnv;
}

function codeServerArgs(session: Pick<Session, 'userDataDir' | 'extensionsDir'>, restricted = false): string[] {
  return [
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    session.userDataDir,
    '--extensions-dir',
    session.extensionsDir,
  ];
}

function runToEnd(args: string[], env: NodeJS.ProcessEnv, log: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CODE_SERVER_ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => log(d.toString()));
    child.stderr.on('data', (d: Buffer) => log(d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Copies the fixture, starts code-server and waits until it answers. */
export async function startCodeServer(options: StartOptions): Promise<Session> {
  requireFiles([CODE_SERVER_ENTRY], 'run `bash scripts/code-server/setup.sh` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-code-server-'));
  const workspace = path.join(tmp, 'workspace');
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.cpSync(options.fixture, workspace, { recursive: true });
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'telemetry.telemetryLevel': 'off',
        // Restricted Mode without the startup question: an untrusted folder just opens restricted.
        'security.workspace.trust.enabled': Boolean(options.restricted),
        'security.workspace.trust.startupPrompt': 'never',
        'update.mode': 'none',
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const serverLog = path.join(tmp, 'code-server.log');
  const logStream = fs.createWriteStream(serverLog);
  const env = { ...process.env, ...options.env };
  const base = { userDataDir, extensionsDir };

  if (options.vsix) {
    const code = await runToEnd([...codeServerArgs(base), '--install-extension', options.vsix], env, (t) =>
      logStream.write(t),
    );
    if (code !== 0) throw new Error(`installing ${options.vsix} failed (code ${code}); see ${serverLog}`);
  }

  const port = await freePort();
  // Its own process group, so stopping it also ends its extension host and any runner left.
  const server = spawn(
    process.execPath,
    [CODE_SERVER_ENTRY, ...codeServerArgs(base, options.restricted), '--bind-addr', `127.0.0.1:${port}`, workspace],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  server.stdout?.pipe(logStream);
  server.stderr?.pipe(logStream);
  const host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;
  const session: Session = { origin, host, tmp, workspace, userDataDir, extensionsDir, server, serverLog };
  const deadline = Date.now() + 60_000;
  while ((await get(`${origin}/healthz`)) !== 200) {
    if (server.exitCode !== null) throw new Error(`code-server exited with code ${server.exitCode}; see ${serverLog}`);
    if (Date.now() > deadline) throw new Error(`code-server did not answer within 60 s; see ${serverLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return session;
}

export async function openBrowser(session: Session, viewport = { width: 1440, height: 900 }): Promise<Page> {
  session.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await session.browser.newContext({ viewport });
  session.page = await context.newPage();
  return session.page;
}

/** The workbench URL of a folder, with an optional test payload (extension development and tests paths). */
export function workbenchUrl(session: Session, payload?: [string, string][]): string {
  const query = new URLSearchParams({ folder: session.workspace });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `${session.origin}/?${query.toString()}`;
}

/** Always runs: closes the browser, stops code-server (and its extension host), removes the temp folder. */
export async function stopSession(session: Session | undefined, keep = false): Promise<void> {
  if (!session) return;
  await session.browser?.close().catch(() => undefined);
  const server = session.server;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (server.pid !== undefined) process.kill(-server.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  // Whatever of the group outlived the server (an extension host, a runner).
  signalGroup('SIGKILL');
  if (!keep) fs.rmSync(session.tmp, { recursive: true, force: true });
}
