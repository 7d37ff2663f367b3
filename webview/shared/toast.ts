// A short-lived status line for results such as "Saved chart.png".
import { h } from './dom';

let current: HTMLElement | undefined;

export function showToast(text: string, isError = false): void {
  current?.remove();
  const toast = h('div', { class: 'toast', role: isError ? 'alert' : 'status' }, text);
  document.body.append(toast);
  current = toast;
  setTimeout(() => {
    if (current === toast) {
      toast.remove();
      current = undefined;
    }
  }, 4000);
}
