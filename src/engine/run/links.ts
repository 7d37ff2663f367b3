import type { LossTerm } from '../losses/types';
import type { InitPair } from '../models/initFromTeacher';
import type { ModelsEvent } from '../../protocol/events';

/** The loss name the diagrams show for the layers a student took from the teacher at initialisation. */
export const INIT_LINK = 'initFromTeacher';

/**
 * The teacher↔student layer pairs that feature and relation terms match, for the diagrams, and
 * those the student's initialisation copied (drawn the same way, named `initFromTeacher`).
 */
export function layerLinks(terms: LossTerm[], init: InitPair[] = []): ModelsEvent['links'] {
  const links: ModelsEvent['links'] = init.map((p) => ({ ...p, loss: INIT_LINK }));
  for (const term of terms) {
    const adapters = term.adapters();
    term.studentLayers.forEach((studentLayer, i) => {
      const teacherLayer = term.teacherLayers[i] ?? term.teacherLayers[0];
      if (teacherLayer) links.push({ teacherLayer, studentLayer, adapter: adapters[studentLayer], loss: term.name });
    });
  }
  return links;
}
