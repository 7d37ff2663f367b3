// The experiment panel's title, one wording for the tab the host opens and the header the webview
// draws: "Run <id>" for a stored run, "<file> · <cell>" for an experiment.
import type { PanelTarget } from '../protocol/webview';

/** The last segment of a path, with either separator (no Node `path`: the webviews use it too). */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? file;
}

export function panelTitle(target: PanelTarget | undefined): string {
  if (!target) return 'Experiment';
  if (target.kind === 'run') return `Run ${baseName(target.runDir)}`;
  const name = baseName(target.file).replace(/\.kd\.json$/i, '');
  return target.cell ? `${name} · ${target.cell}` : name;
}
