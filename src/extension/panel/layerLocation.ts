// Where a layer of a diagram comes from in its `.kd.json`: the layer object of a layer-list model
// (by `name`, else by position), or the model's spec when the layer is built by a preset or a
// loaded model. Stage names map to the spec that builds them (teacher, student, distill.peers[k],
// distill.assistants[k], distill.teachers[k], distill.students[k]); a cell's spec falls back to the file's top level,
// which cells inherit.
import { findNodeAtLocation, parseTree, type JSONPath, type Node } from 'jsonc-parser';
import { parseStage } from '../../shared/stages';

export interface LayerQuery {
  cell?: string;
  /** The stage or model key of the diagram ("teacher", "student", "peer-2", "assistant-1", "teacher-2", ...). */
  stage: string;
  layer: string;
  /** Position among the model's non-input layers. */
  index: number;
}

export interface LayerLocation {
  offset: number;
  length: number;
  /** True when the range is the layer itself; false when it is the spec of the model that builds it. */
  exact: boolean;
}

/** The JSON path of the spec that builds a stage's model, inside an experiment (or cell) object. */
export function specPath(stage: string): JSONPath {
  const { family, index } = parseStage(stage);
  if (index !== undefined) {
    switch (family) {
      case 'teacher':
        return ['distill', 'teachers', index - 1];
      case 'assistant':
        return ['distill', 'assistants', index - 1];
      case 'peer':
        return index === 1 ? ['student'] : ['distill', 'peers', index - 2];
      case 'round':
        // Noisy Student: distill.students[k − 1] when the rounds have models of their own, else the student.
        return ['distill', 'students', index - 1];
      default:
        return ['student'];
    }
  }
  return family === 'teacher' ? ['teacher'] : ['student'];
}

function cellNode(root: Node, cell: string): Node | undefined {
  const cells = findNodeAtLocation(root, ['cells']);
  return cells?.children?.find((c) => c.type === 'object' && findNodeAtLocation(c, ['name'])?.value === cell);
}

function range(node: Node, exact: boolean): LayerLocation {
  return { offset: node.offset, length: node.length, exact };
}

export function findLayer(text: string, query: LayerQuery): LayerLocation | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const scope = query.cell !== undefined ? cellNode(root, query.cell) : root;
  if (!scope) return undefined;
  const at = (path: JSONPath) =>
    findNodeAtLocation(scope, path) ?? (scope !== root ? findNodeAtLocation(root, path) : undefined);
  // A Noisy Student round without a model of its own is built from the student.
  const spec = at(specPath(query.stage)) ?? (parseStage(query.stage).family === 'round' ? at(['student']) : undefined);
  if (!spec) return undefined;
  const layers = spec.type === 'object' ? findNodeAtLocation(spec, ['layers']) : undefined;
  if (!layers || layers.type !== 'array' || !layers.children) return range(spec, false);
  const byName = layers.children.find(
    (l) => l.type === 'object' && findNodeAtLocation(l, ['name'])?.value === query.layer,
  );
  if (byName) return range(byName, true);
  // Unnamed layers keep their order; a logits layer appended after the list has no object of its own.
  const unnamed = layers.children[query.index];
  if (unnamed && unnamed.type === 'object' && findNodeAtLocation(unnamed, ['name']) === undefined)
    return range(unnamed, true);
  return range(layers, false);
}
