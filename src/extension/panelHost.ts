// What the experiment panel and the comparison panel share on the host side: the webview's HTML,
// the ready handshake (nothing is posted before the webview says it listens, so no message is
// lost while it loads), posting, disposal, and the serializer that restores a panel after a reload.
import * as vscode from 'vscode';
import { webviewHtml, webviewOptions } from './panel/html';
import type { Checked } from '../protocol/webviewMessages';

export type WebviewBundle = 'panel' | 'compare';

export abstract class PanelHost<Command extends { type: string }, Notification> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  /** True once the webview announced it listens; posts before that are dropped (onReady sends all). */
  protected ready = false;
  protected disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    bundle: WebviewBundle,
    title: string,
    /** Checks a webview message against the contract; one that does not fit is dropped and logged. */
    check: (raw: unknown) => Checked<Command>,
    warn: (message: string) => void,
  ) {
    panel.title = title;
    panel.webview.html = webviewHtml(panel.webview, extensionUri, bundle, title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const checked = check(raw);
        if (checked.ok) void this.receive(checked.message);
        else warn(`dropped a message from the webview: ${checked.reason}`);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(message: Command): Promise<void> {
    if (this.disposed) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.onReady();
      return;
    }
    await this.onMessage(message as Exclude<Command, { type: 'ready' }>);
  }

  /** The webview (re)loaded and listens: send it the whole view. */
  protected abstract onReady(): void;
  protected abstract onMessage(message: Exclude<Command, { type: 'ready' }>): Promise<void> | void;
  /** Releases what the subclass holds (timers, child processes) before the panel goes. */
  protected abstract release(): void;

  protected post(message: Notification): void {
    if (!this.disposed && this.ready) void this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Restores panels of a view type after a reload from the state their webview saved: `restore`
 * builds the controller, or returns false when the state is unusable (the panel is closed).
 */
export function registerPanelRestore(
  context: vscode.ExtensionContext,
  viewType: string,
  restore: (panel: vscode.WebviewPanel, state: unknown) => boolean,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      panel.webview.options = webviewOptions(context.extensionUri);
      if (!restore(panel, state)) panel.dispose();
      return Promise.resolve();
    },
  });
}
