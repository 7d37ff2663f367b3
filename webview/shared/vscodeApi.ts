// The webview side of the host channel: typed postMessage, and getState/setState for what the
// panel restores after a reload.

interface VsCodeApi<State, Command> {
  postMessage(message: Command): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State, Command>(): VsCodeApi<State, Command>;

let api: unknown;

/** acquireVsCodeApi may be called once per page: every caller shares the one instance. */
export function vscodeApi<State, Command>(): VsCodeApi<State, Command> {
  api ??= acquireVsCodeApi<State, Command>();
  return api as VsCodeApi<State, Command>;
}

/** Calls `handler` with every message the host posts. */
export function onHostMessage<Notification>(handler: (message: Notification) => void): void {
  window.addEventListener('message', (event: MessageEvent<Notification>) => handler(event.data));
}
