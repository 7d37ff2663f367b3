// Checks and names what a webview exports; the webview only suggests a name, the user picks the folder.
import * as path from 'path';
import type { ExportRequest } from '../../protocol/webview';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes of an export, refusing what is not what it claims to be. */
export function exportBytes(request: ExportRequest): Buffer {
  if (request.format === 'png') {
    const bytes = Buffer.from(request.data, 'base64');
    if (!bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE))
      throw new Error('the exported image is not a PNG');
    return bytes;
  }
  return Buffer.from(request.data, 'utf8');
}

/** A plain file name with the format's extension (the webview suggests it; it never chooses a folder). */
export function exportFileName(request: ExportRequest): string {
  const base = path.basename(request.fileName).replace(/[^A-Za-z0-9._-]+/g, '_') || 'export';
  return base.toLowerCase().endsWith(`.${request.format}`) ? base : `${base}.${request.format}`;
}
