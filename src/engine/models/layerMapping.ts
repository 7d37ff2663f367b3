// Which teacher block each student block learns from: TinyBERT's uniform mapping (student block i
// takes teacher block ⌈i·N/M⌉, e.g. every second when the teacher is twice as deep) or explicit
// pairs. The layer losses (`attention`, `hidden`) and DistilBERT's initialisation share it.
import type { LayerMapping } from '../config/types';

/** One matched pair of 1-based block indices. */
export interface BlockPair {
  student: number;
  teacher: number;
}

const BLOCK = /^block_(\d+)$/;

/** The number of blocks `block_1 … block_N` among a model's layer names (0 when it has none). */
export function blockCount(layerNames: Iterable<string>): number {
  let count = 0;
  for (const name of layerNames) {
    const match = BLOCK.exec(name);
    if (match) count = Math.max(count, Number(match[1]));
  }
  return count;
}

/**
 * The pairs of `mapping` for a student of `studentBlocks` and a teacher of `teacherBlocks` blocks.
 * Throws, naming `owner`, when a model has no blocks or a pair names a block that does not exist.
 */
export function mapBlocks(
  owner: string,
  mapping: LayerMapping,
  studentBlocks: number,
  teacherBlocks: number,
): BlockPair[] {
  if (studentBlocks === 0 || teacherBlocks === 0) {
    const side = studentBlocks === 0 ? 'student' : 'teacher';
    throw new Error(
      `${owner}: the ${side} has no blocks named block_1 … block_N to map (a transformer preset has them); name the layers instead`,
    );
  }
  if (mapping === 'uniform') {
    if (studentBlocks > teacherBlocks)
      throw new Error(
        `${owner}: a uniform mapping needs a student no deeper than the teacher (${studentBlocks} > ${teacherBlocks} blocks); give explicit pairs`,
      );
    return Array.from({ length: studentBlocks }, (_, k) => ({
      student: k + 1,
      teacher: Math.ceil(((k + 1) * teacherBlocks) / studentBlocks),
    }));
  }
  if (!Array.isArray(mapping) || mapping.length === 0)
    throw new Error(`${owner}: mapping must be "uniform" or a non-empty list of [studentBlock, teacherBlock] pairs`);
  return mapping.map((pair, k) => {
    const [student, teacher] = Array.isArray(pair) ? pair : [];
    const within = (i: unknown, n: number) => Number.isInteger(i) && (i as number) >= 1 && (i as number) <= n;
    if (!within(student, studentBlocks) || !within(teacher, teacherBlocks))
      throw new Error(
        `${owner}: mapping pair ${k + 1} ${JSON.stringify(pair)} must be [studentBlock 1…${studentBlocks}, teacherBlock 1…${teacherBlocks}]`,
      );
    return { student: student as number, teacher: teacher as number };
  });
}
