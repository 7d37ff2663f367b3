// Export requests in flight: each gets an id, and its result (which may come back after another
// export was started) is reported for the file it belongs to.
import type { ExportFormat, ExportRequest, ExportResult } from '../../src/protocol/webview';
import { showToast } from './toast';

export class ExportRequests {
  private next = 1;
  private readonly pending = new Map<number, string>();

  request(format: ExportFormat, fileName: string, data: string): ExportRequest {
    const id = this.next++;
    this.pending.set(id, fileName);
    return { type: 'export', id, format, fileName, data };
  }

  /** Shows the outcome of a request of this webview; a result for no pending request is ignored. */
  settle(result: ExportResult): void {
    const fileName = this.pending.get(result.id);
    if (fileName === undefined) return;
    this.pending.delete(result.id);
    if (result.ok) showToast(`Saved ${result.path ?? fileName}`);
    else if (result.message) showToast(result.message, true);
  }
}
