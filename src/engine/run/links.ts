import type { LossTerm } from '../losses/types';
import type { ModelsEvent } from '../../protocol/events';

/** The teacher↔student layer pairs that feature and relation terms match, for the diagrams. */
export function layerLinks(terms: LossTerm[]): ModelsEvent['links'] {
  const links: ModelsEvent['links'] = [];
  for (const term of terms) {
    const adapters = term.adapters();
    term.studentLayers.forEach((studentLayer, i) => {
      const teacherLayer = term.teacherLayers[i] ?? term.teacherLayers[0];
      if (teacherLayer) links.push({ teacherLayer, studentLayer, adapter: adapters[studentLayer], loss: term.name });
    });
  }
  return links;
}
