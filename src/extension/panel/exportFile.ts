// Saves a file a webview exports (a chart as PNG or SVG, data as CSV, a Markdown report) where the user picks.
import * as vscode from 'vscode';
import type { ExportRequest, ExportResult } from '../../protocol/webview';
import { exportBytes, exportFileName } from './exportData';

const FILTERS: Record<ExportRequest['format'], Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  svg: { 'SVG image': ['svg'] },
  csv: { 'CSV table': ['csv'] },
  md: { 'Markdown report': ['md'] },
};

export async function saveExport(request: ExportRequest): Promise<ExportResult> {
  try {
    const bytes = exportBytes(request);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = exportFileName(request);
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: FILTERS[request.format],
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
