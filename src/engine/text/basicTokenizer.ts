// BERT's BasicTokenizer (google-research/bert tokenization.py): clean the text, optionally lower-case
// and strip accents, put spaces around CJK ideographs, split on whitespace and punctuation. The word
// tokenizer uses it as is; WordPiece runs on its output, as BERT does.

/** Control characters other than tab, newline and carriage return (Unicode categories Cc, Cf). */
function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return /[\p{Cc}\p{Cf}]/u.test(ch);
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || /\p{Zs}/u.test(ch);
}

/** ASCII non-letters/digits (BERT counts "$", "^", "`" as punctuation) and every Unicode P* character. */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return /\p{P}/u.test(ch);
}

/** The CJK Unified Ideographs blocks BERT treats as words of their own. */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function clean(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    if (isWhitespace(ch)) out += ' ';
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out;
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{Mn}/gu, '');
}

function splitOnPunctuation(word: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current) pieces.push(current);
      pieces.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Words and punctuation marks of `text`, as BERT's BasicTokenizer (do_lower_case = `lowercase`). */
export function basicTokenize(text: string, lowercase: boolean): string[] {
  const words = clean(text)
    .split(' ')
    .filter((w) => w.length > 0);
  return words.flatMap((word) => splitOnPunctuation(lowercase ? stripAccents(word.toLowerCase()) : word));
}
