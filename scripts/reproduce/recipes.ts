// The published results each example under examples/reproduce/ is checked against: which cell and
// model of the example stands for which published figure. Kept apart from the example files so the
// experiment format carries no bookkeeping of its own.

/** Which trained model of a cell a row reads: the run's product, its baseline, or its teacher. */
export type ModelRole = 'student' | 'baseline' | 'teacher';

export interface PublishedRow {
  label: string;
  cell: string;
  model: ModelRole;
  /** For a sweep over losses: picks the group whose swept values match. */
  method?: string;
  /** The published figure in the recipe's unit; absent where the paper gives none. */
  published?: number;
}

export interface Recipe {
  name: string;
  file: string;
  source: string;
  /** 'errors': test errors out of the test set (Hinton's MNIST table); 'accuracy': top-1 in percent. */
  unit: 'errors' | 'accuracy';
  /** Cells run in order (each after the cells it reuses). */
  cells: string[];
  /** The cells `--quick` runs: all of them unless the full ones need data that does not ship. */
  quickCells?: string[];
  /** Data that does not ship with the project: the quick slice runs on a tiny generated set in its format. */
  quickData?: 'cifar100' | 'fashion-mnist';
  rows: PublishedRow[];
}

const FASHION_METHODS = ['kd', 'dkd', 'hint', 'at', 'nst', 'rkd', 'sp', 'pkt', 'crd'];

export const RECIPES: Recipe[] = [
  {
    name: 'hinton-mnist',
    file: 'examples/reproduce/hinton-mnist.kd.json',
    source: 'Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network", section 3',
    unit: 'errors',
    cells: ['teacher', 'student-800', 'student-30'],
    rows: [
      { label: 'teacher 1200-1200, dropout, jitter', cell: 'teacher', model: 'student', published: 67 },
      { label: 'student 800-800 alone', cell: 'student-800', model: 'baseline', published: 146 },
      { label: 'student 800-800 distilled, T = 20', cell: 'student-800', model: 'student', published: 74 },
      { label: 'student 30-30 alone', cell: 'student-30', model: 'baseline' },
      { label: 'student 30-30 distilled, T = 3', cell: 'student-30', model: 'student' },
    ],
  },
  {
    name: 'keras-mnist',
    file: 'examples/reproduce/keras-mnist.kd.json',
    source: 'Keras example "Knowledge Distillation" (keras.io/examples/vision/knowledge_distillation)',
    unit: 'accuracy',
    cells: ['teacher', 'distilled'],
    rows: [
      { label: 'teacher (256/512 filters)', cell: 'teacher', model: 'student', published: 97.6 },
      { label: 'student from scratch', cell: 'distilled', model: 'baseline', published: 97.6 },
      { label: 'student distilled, T = 10', cell: 'distilled', model: 'student', published: 98.1 },
    ],
  },
  {
    name: 'fashion-methods',
    file: 'examples/reproduce/fashion-methods.kd.json',
    source: "RepDistiller's method table (Tian et al. 2020), on Fashion-MNIST with a conv pair that runs here",
    unit: 'accuracy',
    cells: ['teacher', 'methods'],
    quickData: 'fashion-mnist',
    rows: [
      { label: 'teacher', cell: 'teacher', model: 'student' },
      { label: 'student alone', cell: 'methods', model: 'baseline', method: 'kd' },
      ...FASHION_METHODS.map((method) => ({ label: method, cell: 'methods', model: 'student' as const, method })),
    ],
  },
  {
    name: 'cifar100-resnet32x4-resnet8x4',
    file: 'examples/reproduce/cifar100-resnet32x4-resnet8x4.kd.json',
    source: 'Tian et al. 2020, "Contrastive Representation Distillation", CIFAR-100 table (RepDistiller)',
    unit: 'accuracy',
    cells: ['teacher', 'kd', 'crd'],
    quickCells: ['smoke'],
    quickData: 'cifar100',
    rows: [
      { label: 'teacher resnet32x4', cell: 'teacher', model: 'student', published: 79.42 },
      { label: 'student resnet8x4 alone', cell: 'kd', model: 'baseline', published: 72.5 },
      { label: 'KD', cell: 'kd', model: 'student', published: 73.33 },
      { label: 'CRD', cell: 'crd', model: 'student', published: 75.51 },
    ],
  },
];

/** The smoke cell's rows, for the quick run of an example whose full cells cannot run here. */
export function quickRows(recipe: Recipe): PublishedRow[] {
  if (!recipe.quickCells) return recipe.rows;
  return recipe.quickCells.flatMap((cell) => [
    { label: `${cell}: student alone`, cell, model: 'baseline' as const },
    { label: `${cell}: student distilled`, cell, model: 'student' as const },
  ]);
}

export function recipeNamed(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe) throw new Error(`no reproduction named "${name}"; known: ${RECIPES.map((r) => r.name).join(', ')}`);
  return recipe;
}
