// Saves a file a webview exports (a chart as PNG, data as CSV) where the user picks.
import * as vscode from 'vscode';
import type { ExportRequest, ExportResult } from '../../protocol/webview';
import { exportBytes, exportFileName } from './exportData';

export async function saveExport(request: ExportRequest): Promise<ExportResult> {
  try {
    const bytes = exportBytes(request);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = exportFileName(request);
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: request.format === 'png' ? { 'PNG image': ['png'] } : { 'CSV table': ['csv'] },
      saveLabel: 'Export',
      title: `Export ${name}`,
    });
    if (!uri) return { type: 'export/result', id: request.id, ok: false };
    await vscode.workspace.fs.writeFile(uri, bytes);
    return { type: 'export/result', id: request.id, ok: true, path: uri.fsPath };
  } catch (error) {
    return {
      type: 'export/result',
      id: request.id,
      ok: false,
      message: `Export failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
