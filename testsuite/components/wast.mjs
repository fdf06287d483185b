// wast.mjs - splits a component WAST script into its commands: an s-expression reader that
// knows strings, line comments and nested block comments, and a classifier for each command.

// Reads one s-expression tree. Nodes: {type:'list', items, start, end} | {type:'atom', text,
// start, end} | {type:'string', bytes: Buffer, start, end}.
export function parseSexprs(src) {
  let pos = 0;
  const out = [];
  const fail = (msg) => { throw new Error(`${msg} at offset ${pos} (line ${lineOf(src, pos)})`); };
  function skipSpace() {
    for (;;) {
      while (pos < src.length && /\s/.test(src[pos])) pos++;
      if (src.startsWith(';;', pos)) {
        const nl = src.indexOf('\n', pos);
        pos = nl < 0 ? src.length : nl + 1;
      } else if (src.startsWith('(;', pos)) {
        let depth = 0;
        do {
          if (src.startsWith('(;', pos)) { depth++; pos += 2; }
          else if (src.startsWith(';)', pos)) { depth--; pos += 2; }
          else if (pos >= src.length) fail('unterminated block comment');
          else pos++;
        } while (depth > 0);
      } else return;
    }
  }
  function readString() {
    const start = pos++;
    const bytes = [];
    while (pos < src.length && src[pos] !== '"') {
      const c = src[pos];
      if (c !== '\\') {
        const cp = src.codePointAt(pos);
        const ch = String.fromCodePoint(cp);
        for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
        pos += ch.length;
        continue;
      }
      const e = src[pos + 1];
      pos += 2;
      const simple = { n: 10, t: 9, r: 13, '"': 34, "'": 39, '\\': 92 };
      if (e in simple) bytes.push(simple[e]);
      else if (e === 'u') {
        const close = src.indexOf('}', pos);
        if (src[pos] !== '{' || close < 0) fail('bad \\u escape');
        const cp = parseInt(src.slice(pos + 1, close).replace(/_/g, ''), 16);
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
        pos = close + 1;
      } else if (/[0-9a-fA-F]/.test(e) && /[0-9a-fA-F]/.test(src[pos])) {
        bytes.push(parseInt(e + src[pos], 16));
        pos++;
      } else fail(`bad string escape \\${e}`);
    }
    if (pos >= src.length) fail('unterminated string');
    pos++;
    return { type: 'string', bytes: Buffer.from(bytes), start, end: pos };
  }
  function readNode() {
    skipSpace();
    if (src[pos] === '(') {
      const start = pos++;
      const items = [];
      for (;;) {
        skipSpace();
        if (pos >= src.length) fail('unclosed parenthesis');
        if (src[pos] === ')') { pos++; break; }
        items.push(readNode());
      }
      return { type: 'list', items, start, end: pos };
    }
    if (src[pos] === '"') return readString();
    const start = pos;
    while (pos < src.length && !/[\s()";]/.test(src[pos])) pos++;
    if (pos === start) fail(`unexpected character '${src[pos]}'`);
    return { type: 'atom', text: src.slice(start, pos), start, end: pos };
  }
  for (;;) {
    skipSpace();
    if (pos >= src.length) break;
    if (src[pos] !== '(') fail('expected a command');
    out.push(readNode());
  }
  return out;
}

export function lineOf(src, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < src.length; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

const isAtom = (n, text) => n && n.type === 'atom' && (text === undefined || n.text === text);

// Describes a (component ...) form: how to get its binary.
//   {form:'binary', bytes} | {form:'text', text} | {form:'quote', text} | {form:'instance', id, of}
export function componentForm(src, node) {
  const items = node.items;
  let i = 1;
  let definition = false;
  if (isAtom(items[i], 'definition')) { definition = true; i++; }
  if (isAtom(items[i], 'instance')) {
    // (component instance $i $C): an instance of the definition $C.
    const names = items.slice(i + 1).filter((n) => n.type === 'atom').map((n) => n.text);
    return { form: 'instance', id: names.length > 1 ? names[0] : null, of: names[names.length - 1] || null };
  }
  let id = null;
  if (items[i] && items[i].type === 'atom' && items[i].text.startsWith('$')) { id = items[i].text; i++; }
  if (isAtom(items[i], 'binary')) {
    const parts = items.slice(i + 1).map((s) => s.bytes);
    return { form: 'binary', bytes: Buffer.concat(parts), definition, id };
  }
  if (isAtom(items[i], 'quote')) {
    const text = items.slice(i + 1).map((s) => s.bytes.toString('utf8')).join(' ');
    return { form: 'quote', text: `(component ${id ? id + ' ' : ''}${text})`, definition, id };
  }
  // The text between the head keywords and the closing paren is the component's body.
  const bodyStart = items[i] ? items[i].start : node.end - 1;
  return { form: 'text', text: `(component ${id ? id + ' ' : ''}${src.slice(bodyStart, node.end - 1)})`,
           definition, id };
}

// Turns a script into a list of commands:
//   {kind:'module'|'invalid'|'malformed'|'exec'|'other', line, node, component?, message?, head}
export function commands(src) {
  const out = [];
  for (const node of parseSexprs(src)) {
    const head = node.items[0] && node.items[0].type === 'atom' ? node.items[0].text : '?';
    const line = lineOf(src, node.start);
    if (head === 'component') {
      const c = componentForm(src, node);
      out.push({ kind: c.form === 'instance' ? 'exec' : 'module', head, line, node, component: c });
    } else if (head === 'assert_invalid' || head === 'assert_malformed') {
      const target = node.items[1];
      const msg = node.items[2] && node.items[2].type === 'string' ? node.items[2].bytes.toString('utf8') : '';
      if (!target || target.type !== 'list' || !isAtom(target.items[0], 'component')) {
        out.push({ kind: 'other', head, line, node });
        continue;
      }
      out.push({ kind: head === 'assert_invalid' ? 'invalid' : 'malformed', head, line, node,
                 component: componentForm(src, target), message: msg });
    } else if (['assert_return', 'assert_trap', 'invoke', 'assert_exhaustion', 'register',
                'assert_unlinkable', 'assert_uninstantiable'].includes(head)) {
      out.push({ kind: 'exec', head, line, node });
    } else {
      out.push({ kind: 'other', head, line, node });
    }
  }
  return out;
}
