// Writes the shipped text-classification example (examples/text/reviews-*.csv): short film reviews
// generated from templates with a seeded RNG, labelled positive / negative / mixed. Negation ("not
// dull" is praise) and contrast ("great, but the plot was weak" is mixed) make word order matter,
// so a bag of words is not enough. Generated here, so it carries no third-party licence.
// Usage: node scripts/generate-text-example.mjs [outDir]
import * as fs from 'fs';
import * as path from 'path';

const SEED = 20261202;
const TRAIN = 2000;
const TEST = 500;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  'the film',
  'this movie',
  'the plot',
  'the acting',
  'the soundtrack',
  'the ending',
  'the cast',
  'the script',
  'the camera work',
  'the pacing',
  'the dialogue',
  'the lead',
];
const GOOD = [
  'great',
  'wonderful',
  'brilliant',
  'moving',
  'funny',
  'superb',
  'charming',
  'gripping',
  'delightful',
  'excellent',
  'clever',
  'beautiful',
];
const BAD = [
  'dull',
  'awful',
  'boring',
  'clumsy',
  'weak',
  'tedious',
  'messy',
  'bland',
  'terrible',
  'lifeless',
  'silly',
  'forgettable',
];
const INTENSIFIERS = ['', '', 'really ', 'truly ', 'quite ', 'very ', 'rather '];
const VERBS = ['was', 'is', 'felt', 'seemed'];
const OPENERS = ['', '', '', 'honestly, ', 'i think ', 'overall ', 'to be fair, ', 'in my view '];
const CLOSERS = ['', '', '', ' .', ' !', ' , i would say', ' overall'];

function clause(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const positiveWord = next() < 0.5;
  const negated = next() < 0.3;
  const adjective = pick(positiveWord ? GOOD : BAD);
  const negation = negated ? pick(['not ', 'never ', 'hardly ']) : '';
  const text = `${pick(SUBJECTS)} ${pick(VERBS)} ${negation}${negated ? '' : pick(INTENSIFIERS)}${adjective}`;
  return { text, positive: positiveWord !== negated };
}

function review(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const first = clause(next);
  if (next() < 0.45)
    return { text: `${pick(OPENERS)}${first.text}${pick(CLOSERS)}`, label: first.positive ? 'positive' : 'negative' };
  const second = clause(next);
  const joiner =
    first.positive === second.positive
      ? pick([' and ', ' , and ', ' ; also '])
      : pick([' but ', ' , but ', ' ; however ', ' although ']);
  const label = first.positive !== second.positive ? 'mixed' : first.positive ? 'positive' : 'negative';
  return { text: `${pick(OPENERS)}${first.text}${joiner}${second.text}${pick(CLOSERS)}`, label };
}

function csv(rows) {
  const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['text,label', ...rows.map((r) => `${quote(r.text)},${r.label}`)].join('\n') + '\n';
}

const outDir = process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'examples', 'text');
const next = mulberry32(SEED);
const rows = Array.from({ length: TRAIN + TEST }, () => review(next));
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'reviews-train.csv'), csv(rows.slice(0, TRAIN)));
fs.writeFileSync(path.join(outDir, 'reviews-test.csv'), csv(rows.slice(TRAIN)));
const counts = {};
for (const r of rows) counts[r.label] = (counts[r.label] ?? 0) + 1;
console.log(`wrote ${TRAIN} + ${TEST} reviews to ${outDir}: ${JSON.stringify(counts)}`);
