// Tokenizers on fixed strings: BERT's basic tokenization, WordPiece's greedy longest match, word
// and char vocabularies, and the encoder's [CLS], truncation, padding and mask.
import * as assert from 'assert';
import { basicTokenize } from '../../../src/engine/text/basicTokenizer';
import { parseVocabTxt, wordPieces } from '../../../src/engine/text/wordpiece';
import { attentionMask, buildVocabulary, Encoder, tokenize } from '../../../src/engine/text/tokenizer';

describe('text: tokenizers', () => {
  it('splits like BERT’s BasicTokenizer: punctuation, accents, case, CJK, control characters', () => {
    assert.deepStrictEqual(basicTokenize(" Hello, Wörld!  It's $5.\u0000\tok ", true), [
      'hello',
      ',',
      'world',
      '!',
      'it',
      "'",
      's',
      '$',
      '5',
      '.',
      'ok',
    ]);
    assert.deepStrictEqual(basicTokenize('Héllo WORLD', false), ['Héllo', 'WORLD']);
    assert.deepStrictEqual(basicTokenize('中文abc def', true), ['中', '文', 'abc', 'def']);
    assert.deepStrictEqual(basicTokenize('a—b «c»', true), ['a', '—', 'b', '«', 'c', '»']);
  });

  it('WordPiece takes the longest match from the left with ## continuations, else the whole word is unknown', () => {
    const vocab = new Set(['un', '##aff', '##able', '##a', 'runn', '##ing', 'a']);
    // BERT's own example: "unaffable" → un ##aff ##able.
    assert.deepStrictEqual(wordPieces('unaffable', vocab), ['un', '##aff', '##able']);
    // Greedy, no backtracking: with "una" present the longest first piece leaves "##ffable" uncovered.
    assert.strictEqual(wordPieces('unaffable', new Set([...vocab, 'una'])), undefined);
    assert.deepStrictEqual(wordPieces('running', vocab), ['runn', '##ing']);
    assert.deepStrictEqual(wordPieces('a', vocab), ['a']);
    assert.strictEqual(wordPieces('unx', vocab), undefined);
    assert.strictEqual(wordPieces('a'.repeat(101), new Set(['a', '##a'])), undefined);
    const bert = ['[PAD]', '[UNK]', '[CLS]', 'the', 'un', '##aff', '##able', ',', 'cat'];
    assert.deepStrictEqual(tokenize('wordpiece', 'The unaffable, CAT dog', true, new Set(bert)), [
      'the',
      'un',
      '##aff',
      '##able',
      ',',
      'cat',
      '[UNK]',
    ]);
  });

  it('reads a vocab.txt with [PAD] first, and names the line of a repeated or empty token', () => {
    assert.deepStrictEqual(parseVocabTxt('[PAD]\n[UNK]\n[CLS]\nx\n', 'v.txt'), ['[PAD]', '[UNK]', '[CLS]', 'x']);
    assert.throws(() => parseVocabTxt('[PAD]\n[UNK]\n[CLS]\nx\nx\n', 'v.txt'), /v\.txt:5: token "x" repeats line 4/);
    assert.throws(() => parseVocabTxt('[PAD]\n\n[UNK]\n[CLS]\n', 'v.txt'), /v\.txt:2: empty token/);
    assert.throws(() => parseVocabTxt('[UNK]\n[PAD]\n[CLS]\n', 'v.txt'), /\[PAD\] must be the first token/);
    assert.throws(() => parseVocabTxt('[PAD]\n[CLS]\n', 'v.txt'), /no \[UNK\] token/);
  });

  it('builds a word vocabulary from training text: specials first, by frequency, ties by code point, capped', () => {
    const texts = ['the cat sat', 'the dog sat', 'The end.'];
    assert.deepStrictEqual(buildVocabulary('word', texts, true, 100), [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      'the',
      'sat',
      '.',
      'cat',
      'dog',
      'end',
    ]);
    assert.deepStrictEqual(buildVocabulary('word', texts, true, 5), ['[PAD]', '[UNK]', '[CLS]', 'the', 'sat']);
    assert.deepStrictEqual(buildVocabulary('char', ['abca', 'A b'], false, 100), [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      'a',
      'b',
      ' ',
      'A',
      'c',
    ]);
    assert.throws(() => buildVocabulary('word', texts, true, 3), /vocabSize must be an integer above 3/);
  });

  it('encodes [CLS] + ids, maps unknown tokens to [UNK], truncates and pads to maxLength; the mask marks tokens', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', 'the', 'cat', 'sat'];
    const encoder = new Encoder({ tokenizer: 'word', lowercase: true, maxLength: 6, vocab });
    assert.deepStrictEqual(Array.from(encoder.encode('The cat sat')), [2, 3, 4, 5, 0, 0]);
    assert.deepStrictEqual(Array.from(encoder.encode('the dog sat on the cat')), [2, 3, 1, 5, 1, 3]);
    assert.deepStrictEqual(Array.from(encoder.encode('')), [2, 0, 0, 0, 0, 0]);
    assert.deepStrictEqual(Array.from(attentionMask(encoder.encode('cat sat'))), [1, 1, 1, 0, 0, 0]);
    assert.deepStrictEqual(Array.from(encoder.encodeAll(['cat', 'sat'])), [2, 4, 0, 0, 0, 0, 2, 5, 0, 0, 0, 0]);
    const chars = new Encoder({
      tokenizer: 'char',
      lowercase: true,
      maxLength: 5,
      vocab: ['[PAD]', '[UNK]', '[CLS]', 'a', ' '],
    });
    assert.deepStrictEqual(Array.from(chars.encode('A  ab')), [2, 3, 4, 3, 1]);
    assert.throws(
      () => new Encoder({ tokenizer: 'word', lowercase: true, maxLength: 1, vocab }),
      /maxLength must be an integer of at least 2/,
    );
  });
});
