/**
 * A rough, safe preview of Markdown while writing: paragraphs, lists,
 * quotes, bold, italics and code. It yields plain text pieces that the
 * Preview component renders as elements, never as HTML, so nothing a member
 * types can run. The server's rendering is the real one.
 */

export type Style = 'plain' | 'strong' | 'em' | 'code';
export interface Span {
  text: string;
  style: Style;
}
export type Line = Span[];
export interface Block {
  kind: 'paragraph' | 'list' | 'quote' | 'heading';
  lines: Line[];
}

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|`[^`]+`|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/;

function spans(text: string): Line {
  return text
    .split(INLINE)
    .filter((piece) => piece !== '')
    .map((piece) => {
      if (/^(\*\*|__).+\1$/.test(piece)) return { text: piece.slice(2, -2), style: 'strong' };
      if (/^`.+`$/.test(piece)) return { text: piece.slice(1, -1), style: 'code' };
      if (/^([*_]).+\1$/.test(piece)) return { text: piece.slice(1, -1), style: 'em' };
      return { text: piece, style: 'plain' };
    });
}

function kindOf(line: string): Block['kind'] {
  if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) return 'list';
  if (/^\s*>/.test(line)) return 'quote';
  if (/^\s*#{1,6}\s/.test(line)) return 'heading';
  return 'paragraph';
}

function strip(line: string, kind: Block['kind']): string {
  if (kind === 'list') return line.replace(/^\s*([-*+]|\d+[.)])\s+/, '');
  if (kind === 'quote') return line.replace(/^\s*>\s?/, '');
  if (kind === 'heading') return line.replace(/^\s*#{1,6}\s+/, '');
  return line;
}

export function preview(markdown: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) {
      current = null;
      continue;
    }
    const kind = kindOf(line);
    if (!current || current.kind !== kind || kind === 'heading') {
      current = { kind, lines: [] };
      blocks.push(current);
    }
    current.lines.push(spans(strip(line, kind)));
  }
  return blocks;
}
