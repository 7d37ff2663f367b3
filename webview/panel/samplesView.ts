// The grid of augmented training samples: what the networks see after crop, flip, cutout or
// mixing, drawn from the run's samples event onto canvases (no image URLs, so the CSP stays strict);
// panel.css scales each canvas up with crisp pixels.
import type { SamplesEvent } from '../../src/protocol/events';
import type { PanelViewModel } from '../../src/protocol/webview';
import { clear, h } from '../shared/dom';

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RGBA pixels of sample `i` (grey images repeat their one channel). */
export function sampleRgba(samples: SamplesEvent, bytes: Uint8Array, i: number): Uint8ClampedArray<ArrayBuffer> {
  const [height, width, channels] = samples.shape;
  const pixels = height * width;
  const rgba = new Uint8ClampedArray(pixels * 4);
  const base = i * pixels * channels;
  for (let p = 0; p < pixels; p++) {
    const at = base + p * channels;
    rgba[4 * p] = bytes[at];
    rgba[4 * p + 1] = bytes[at + (channels === 3 ? 1 : 0)];
    rgba[4 * p + 2] = bytes[at + (channels === 3 ? 2 : 0)];
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}

export class SamplesView {
  readonly element: HTMLElement;
  private readonly grid = h('div', { class: 'samples-grid', role: 'list', 'aria-label': 'Augmented training samples' });
  private readonly caption = h('p', { class: 'muted samples-caption' });
  private shown?: SamplesEvent;

  constructor() {
    this.element = h('div', {}, this.caption, this.grid);
  }

  /** True when there is something to show (the panel hides the section otherwise). */
  update(view: PanelViewModel): boolean {
    const samples = view.samples;
    if (samples === this.shown) return samples !== undefined;
    this.shown = samples;
    clear(this.grid);
    if (!samples) return false;
    const [height, width] = samples.shape;
    this.caption.textContent = `${samples.count} training examples of stage ${samples.stage}, epoch ${samples.epoch}, after ${samples.ops.join(' → ')}`;
    const bytes = decodeBase64(samples.pixels);
    for (let i = 0; i < samples.count; i++) {
      const canvas = h('canvas', {
        width,
        height,
        role: 'listitem',
        'aria-label': `sample ${i + 1}`,
      });
      const context = canvas.getContext('2d');
      if (context) context.putImageData(new ImageData(sampleRgba(samples, bytes, i), width, height), 0, 0);
      this.grid.append(canvas);
    }
    return true;
  }
}
