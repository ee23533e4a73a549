/**
 * The offset at which a JSON text stops being JSON (RFC 8259), found by reading it the way JSON.parse
 * does: Node 20's JSON.parse names no position for an unexpected token, so it is found here.
 */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const digits = () => {
    const start = i;
    while (text[i]! >= '0' && text[i]! <= '9') i++;
    return i > start;
  };
  const word = (w: string) => {
    let k = 0;
    for (; k < w.length && text[i] === w[k]; k++) i++;
    return k === w.length;
  };
  const string = (): boolean => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') return false;
      if (c === '"') return (i++, true);
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) return false;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) return false;
      }
      i++;
    }
  };
  const numberText = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.' && (i++, !digits())) return false;
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const items = (close: string, item: () => boolean): boolean => {
    i++;
    space();
    if (text[i] === close) return (i++, true);
    for (;;) {
      if (!item()) return false;
      space();
      if (text[i] === close) return (i++, true);
      if (text[i] !== ',') return false;
      i++;
      space();
    }
  };
  const member = () => text[i] === '"' && string() && (space(), text[i] === ':') && (i++, value());
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === '{') return items('}', member);
    if (c === '[') return items(']', value);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return numberText();
    if (c === 't') return word('true');
    if (c === 'f') return word('false');
    if (c === 'n') return word('null');
    return false;
  };
  if (value()) space();
  return i;
}

/** JSON.parse's complaint about `text`, placed at a line and column: `Unexpected token '}' at line 3 column 5`. */
export function describeJsonSyntaxError(text: string, error: SyntaxError): string {
  const offset = syntaxErrorOffset(text);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // V8 ends its message with a position, or with the text itself; the line and column replace both.
  const complaint = error.message.replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '').replace(/ at position \d+(?: \(line \d+ column \d+\))?$/, '');
  return `${complaint} at line ${line} column ${column}`;
}
