// WordPiece as BERT applies it: each basic token is split greedily into the longest vocabulary
// entries from the left, continuation pieces spelt with a "##" prefix; a word that cannot be
// covered (or is longer than 100 characters) becomes the unknown token as a whole.

export const MAX_WORD_CHARS = 100;

/** The pieces of one basic token, or undefined when the vocabulary cannot cover it. */
export function wordPieces(word: string, vocab: ReadonlySet<string>): string[] | undefined {
  const chars = Array.from(word);
  if (chars.length > MAX_WORD_CHARS) return undefined;
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let piece: string | undefined;
    while (start < end) {
      const candidate = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
      if (vocab.has(candidate)) {
        piece = candidate;
        break;
      }
      end--;
    }
    if (piece === undefined) return undefined;
    pieces.push(piece);
    start = end;
  }
  return pieces;
}

/** A BERT `vocab.txt`: one token per line, its id the line number (0-based). */
export function parseVocabTxt(text: string, file: string): string[] {
  const tokens = text.split(/\r?\n/);
  if (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop();
  const seen = new Map<string, number>();
  tokens.forEach((token, i) => {
    if (token.trim() === '') throw new Error(`${file}:${i + 1}: empty token (a vocab.txt holds one token per line)`);
    const earlier = seen.get(token);
    if (earlier !== undefined) throw new Error(`${file}:${i + 1}: token "${token}" repeats line ${earlier + 1}`);
    seen.set(token, i);
  });
  for (const special of ['[PAD]', '[UNK]', '[CLS]']) {
    if (!seen.has(special)) throw new Error(`${file}: the vocabulary has no ${special} token`);
  }
  if (seen.get('[PAD]') !== 0)
    throw new Error(`${file}: [PAD] must be the first token (id 0; padding positions are masked by id 0)`);
  return tokens;
}
