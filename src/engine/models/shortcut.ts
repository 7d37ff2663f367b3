// The skip path of a residual block written in a layer list: x itself when the body keeps x's
// shape, or a projection that maps x to the body's output shape (a strided 1×1 convolution and
// batch norm on feature maps; a bias-free dense layer on vectors). Mismatches fail with the shapes.
import type { GraphBuilder, SymbolicTensor } from './graph';

function shapeText(t: SymbolicTensor): string {
  return `[${t.shape.slice(1).join(', ')}]`;
}

function sameShape(a: SymbolicTensor, b: SymbolicTensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** The stride s with ceil(input / s) = output on one axis (what a 'same' 1×1 convolution gives), or undefined. */
function strideFor(input: number, output: number): number | undefined {
  if (output <= 0 || input < output) return undefined;
  for (let s = Math.floor(input / output); s >= 1 && Math.ceil(input / s) <= output; s -= 1) {
    if (Math.ceil(input / s) === output) return s;
  }
  return undefined;
}

export function residualShortcut(
  g: GraphBuilder,
  x: SymbolicTensor,
  body: SymbolicTensor,
  kind: 'identity' | 'projection',
  block: string,
): SymbolicTensor {
  if (kind === 'identity') {
    if (sameShape(x, body)) return x;
    throw new Error(
      `residual block "${block}": an identity shortcut needs the body's output shape ${shapeText(body)} to equal its input shape ${shapeText(x)}; use "shortcut": "projection" or change the body`,
    );
  }
  if (x.shape.length === 4 && body.shape.length === 4) {
    const [, h, w] = x.shape as number[];
    const [, oh, ow, channels] = body.shape as number[];
    const sh = strideFor(h, oh);
    const sw = strideFor(w, ow);
    if (sh === undefined || sw === undefined) {
      throw new Error(
        `residual block "${block}": a projection shortcut (a strided 1×1 convolution) cannot map the input ${shapeText(x)} to the body's output ${shapeText(body)}; the body must keep or evenly shrink the height and width (use "padding": "same")`,
      );
    }
    const proj = g.conv2d(x, `${block}_proj`, {
      filters: channels,
      kernelSize: 1,
      strides: [sh, sw],
      padding: 'same',
      useBias: false,
      init: 'he',
    });
    return g.batchNorm(proj, `${block}_proj_bn`);
  }
  if (x.shape.length === 2 && body.shape.length === 2) {
    return g.dense(x, `${block}_proj`, body.shape[1] as number, 'linear', false);
  }
  throw new Error(
    `residual block "${block}": a projection shortcut maps feature maps to feature maps or vectors to vectors; the input is ${shapeText(x)} and the body's output ${shapeText(body)}`,
  );
}
