// Text to fixed-length id sequences: a tokenizer splits text into tokens, a vocabulary maps them to
// ids, and encode() adds [CLS] in front, truncates to maxLength and pads with id 0. Id 0 is always
// [PAD], so a model recovers the attention mask from the ids alone (id ≠ 0).
import { basicTokenize } from './basicTokenizer';
import { wordPieces } from './wordpiece';

export type TokenizerType = 'word' | 'char' | 'wordpiece';

export const PAD = '[PAD]';
export const UNK = '[UNK]';
export const CLS = '[CLS]';
/** The special tokens that open every vocabulary built here: ids 0, 1, 2. */
export const SPECIAL_TOKENS = [PAD, UNK, CLS];

/** What is saved with a run (vocab.json) so that a student can be used later on new text. */
export interface TextVocabulary {
  tokenizer: TokenizerType;
  lowercase: boolean;
  maxLength: number;
  /** Token of each id; id 0 is [PAD]. */
  vocab: string[];
  /** The label values as written in the data, by class index. */
  labels: string[];
}

/** The tokens of `text` before they become ids (word: words and punctuation; char: characters). */
export function tokenize(type: TokenizerType, text: string, lowercase: boolean, vocab?: ReadonlySet<string>): string[] {
  switch (type) {
    case 'word':
      return basicTokenize(text, lowercase);
    case 'char':
      return Array.from((lowercase ? text.toLowerCase() : text).replace(/\s+/g, ' ').trim());
    case 'wordpiece': {
      if (!vocab) throw new Error('wordpiece: a vocabulary is needed to tokenize');
      return basicTokenize(text, lowercase).flatMap((word) => wordPieces(word, vocab) ?? [UNK]);
    }
  }
}

/**
 * A vocabulary from training texts: the special tokens, then tokens by falling frequency (ties in
 * code-point order, so the result does not depend on row order), at most `vocabSize` in all.
 */
export function buildVocabulary(
  type: 'word' | 'char',
  texts: string[],
  lowercase: boolean,
  vocabSize: number,
): string[] {
  if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length)
    throw new Error(
      `tokenizer: vocabSize must be an integer above ${SPECIAL_TOKENS.length} (the special tokens), got ${vocabSize}`,
    );
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const token of tokenize(type, text, lowercase)) counts.set(token, (counts.get(token) ?? 0) + 1);
  for (const special of SPECIAL_TOKENS) counts.delete(special);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [...SPECIAL_TOKENS, ...ranked.slice(0, vocabSize - SPECIAL_TOKENS.length).map(([token]) => token)];
}

/** Encodes texts with a fixed vocabulary into [CLS] + ids, truncated and padded to maxLength. */
export class Encoder {
  private readonly ids: Map<string, number>;
  private readonly tokens: ReadonlySet<string>;
  private readonly unk: number;
  private readonly cls: number;

  constructor(private readonly vocabulary: Pick<TextVocabulary, 'tokenizer' | 'lowercase' | 'maxLength' | 'vocab'>) {
    if (!Number.isInteger(vocabulary.maxLength) || vocabulary.maxLength < 2)
      throw new Error(`maxLength must be an integer of at least 2 ([CLS] and one token), got ${vocabulary.maxLength}`);
    this.ids = new Map(vocabulary.vocab.map((token, id) => [token, id]));
    this.tokens = new Set(vocabulary.vocab);
    if (vocabulary.vocab[0] !== PAD) throw new Error(`the vocabulary's id 0 must be ${PAD}`);
    this.unk = this.ids.get(UNK) as number;
    this.cls = this.ids.get(CLS) as number;
  }

  /** Ids of one text: length maxLength, [CLS] first, 0 after the last token. */
  encode(text: string): Int32Array {
    const { tokenizer, lowercase, maxLength } = this.vocabulary;
    const out = new Int32Array(maxLength);
    out[0] = this.cls;
    const tokens = tokenize(tokenizer, text, lowercase, this.tokens);
    for (let i = 0; i < tokens.length && i + 1 < maxLength; i++) out[i + 1] = this.ids.get(tokens[i]) ?? this.unk;
    return out;
  }

  /** Row-major ids of many texts, as the data pipeline stores examples. */
  encodeAll(texts: string[]): Float32Array {
    const { maxLength } = this.vocabulary;
    const x = new Float32Array(texts.length * maxLength);
    texts.forEach((text, r) => x.set(this.encode(text), r * maxLength));
    return x;
  }
}

/** 1 where a position holds a token, 0 where it is padding: the mask a model derives from the ids. */
export function attentionMask(ids: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(ids as ArrayLike<number>, (id) => (id !== 0 ? 1 : 0));
}
