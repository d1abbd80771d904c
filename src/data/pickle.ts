// A restricted unpickler: Python pickle bytes -> an inert tree of values.
// It executes nothing. A global is a name (`Global`), a call is a record of
// callable and arguments (`Reduced`), a persistent id is kept as it is
// (`Persistent`); what they mean is the caller's business (pth.ts). The only
// call it performs itself is collections.OrderedDict(), as an empty `Dict`.
// Before building anything it walks every opcode once: an unknown opcode, or
// a global not on the caller's list, is refused then, by name.
// Opcodes: those torch.save writes (protocol 2 by default, 4 on request);
// see Lib/pickletools.py for each one's argument.
// Pure TS: no node:*, no tfjs.

export class PickleError extends Error {
  override name = 'PickleError';
}

export type PyValue = null | boolean | number | string | PyValue[] | Tuple | Dict | Global | Reduced | Persistent;

export class Tuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A dict (or OrderedDict) in insertion order, as Python keeps it; keys are strings or numbers. */
export class Dict {
  readonly entries = new Map<string | number | boolean | null, PyValue>();
  /** What BUILD set (an OrderedDict's `__dict__`, e.g. a state dict's `_metadata`). */
  state: PyValue = null;
}

/** `module.name`, named by GLOBAL or STACK_GLOBAL; never looked up. */
export class Global {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** `callable(*args)`, not called; `state` is what BUILD gave it. */
export class Reduced {
  state: PyValue = null;
  constructor(readonly callable: Global, readonly args: Tuple) {}
}

export class Persistent {
  constructor(readonly pid: PyValue) {}
}

export interface PickleRules {
  /** Globals allowed, as `module.name`. */
  allow: readonly string[];
  /** Said after refusing a global, given its qualified name: what is allowed, and why the name may be there. */
  explain: (qualified: string) => string;
}

/** Opcode byte -> name, argument kind. */
const OPS: Record<number, [string, Arg]> = {};
type Arg = 'none' | 'u1' | 'u2' | 'i4' | 'u4' | 'f8' | 'u8' | 'long1' | 'str4' | 'str1' | 'global';
const FIXED: Partial<Record<Arg, number>> = { u1: 1, u2: 2, i4: 4, u4: 4, f8: 8, u8: 8 };
const utf8 = new TextDecoder('utf-8', { fatal: true });
for (const [c, name, arg] of [
  [0x80, 'PROTO', 'u1'], [0x95, 'FRAME', 'u8'], ['.', 'STOP', 'none'], ['(', 'MARK', 'none'],
  ['}', 'EMPTY_DICT', 'none'], [']', 'EMPTY_LIST', 'none'], [')', 'EMPTY_TUPLE', 'none'],
  ['N', 'NONE', 'none'], [0x88, 'NEWTRUE', 'none'], [0x89, 'NEWFALSE', 'none'],
  ['J', 'BININT', 'i4'], ['K', 'BININT1', 'u1'], ['M', 'BININT2', 'u2'], [0x8a, 'LONG1', 'long1'], ['G', 'BINFLOAT', 'f8'],
  ['X', 'BINUNICODE', 'str4'], [0x8c, 'SHORT_BINUNICODE', 'str1'],
  ['t', 'TUPLE', 'none'], [0x85, 'TUPLE1', 'none'], [0x86, 'TUPLE2', 'none'], [0x87, 'TUPLE3', 'none'],
  ['c', 'GLOBAL', 'global'], [0x93, 'STACK_GLOBAL', 'none'], ['R', 'REDUCE', 'none'], ['b', 'BUILD', 'none'],
  ['s', 'SETITEM', 'none'], ['u', 'SETITEMS', 'none'], ['a', 'APPEND', 'none'], ['e', 'APPENDS', 'none'],
  ['q', 'BINPUT', 'u1'], ['r', 'LONG_BINPUT', 'u4'], [0x94, 'MEMOIZE', 'none'],
  ['h', 'BINGET', 'u1'], ['j', 'LONG_BINGET', 'u4'], ['Q', 'BINPERSID', 'none'],
] as const) OPS[typeof c === 'string' ? c.charCodeAt(0) : c] = [name, arg];

interface Op { name: string; arg: number | string | [string, string] | null; at: number }

/** Every opcode with its argument, checked against the bytes' length; stops after STOP. */
function* ops(bytes: Uint8Array, where: string): Generator<Op> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (n: number, name: string, at: number) => {
    if (p + n > bytes.length) throw new PickleError(`${where}: truncated: ${name} at byte ${at} needs ${n} bytes where ${bytes.length - p} are left`);
  };
  const text = (n: number, name: string, at: number) => {
    need(n, name, at);
    try {
      return utf8.decode(bytes.subarray(p, (p += n)));
    } catch {
      throw new PickleError(`${where}: ${name} at byte ${at} is not UTF-8`);
    }
  };
  while (p < bytes.length) {
    const at = p;
    const code = bytes[p++] as number;
    const op = OPS[code];
    if (!op) throw new PickleError(`${where}: unknown opcode 0x${code.toString(16).padStart(2, '0')} at byte ${at}; a state dict from torch.save uses only a few opcodes of pickle protocol 2 to 4`);
    const [name, kind] = op;
    let arg: Op['arg'] = null;
    const size = FIXED[kind];
    if (size) need(size, name, at);
    if (kind === 'u1') arg = view.getUint8(p);
    else if (kind === 'u2') arg = view.getUint16(p, true);
    else if (kind === 'i4') arg = view.getInt32(p, true);
    else if (kind === 'u4') arg = view.getUint32(p, true);
    else if (kind === 'f8') arg = view.getFloat64(p, false);
    else if (kind === 'u8') arg = 0;
    if (size) p += size;
    if (kind === 'long1') {
      need(1, name, at);
      const n = bytes[p++] as number;
      need(n, name, at);
      arg = long(bytes.subarray(p, (p += n)), `${where}: LONG1 at byte ${at}`);
    } else if (kind === 'str4') {
      need(4, name, at);
      const n = view.getUint32(p, true);
      p += 4;
      arg = text(n, name, at);
    } else if (kind === 'str1') {
      need(1, name, at);
      arg = text(bytes[p++] as number, name, at);
    } else if (kind === 'global') {
      const line = () => {
        const nl = bytes.indexOf(0x0a, p);
        if (nl < 0) throw new PickleError(`${where}: truncated: GLOBAL at byte ${at} has no end of line`);
        return text(nl - p + 1, name, at).slice(0, -1);
      };
      arg = [line(), line()];
    }
    yield { name, arg, at };
    if (name === 'STOP') return;
  }
  throw new PickleError(`${where}: truncated: the pickle ends without STOP`);
}

/** A little-endian two's-complement integer; refused past ±2^53, which no state dict needs. */
function long(b: Uint8Array, what: string): number {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  if (b.length > 0 && (b[b.length - 1] as number) & 0x80) v -= 1n << BigInt(8 * b.length);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`${what}: the integer ${v} is past ±2^53`);
  return Number(v);
}

/**
 * Refuses a global that is not allowed, naming it, before anything is built.
 * STACK_GLOBAL takes its names from the stack: they are followed here when
 * they are string literals (as pickle writes them), and checked again when run.
 */
function checkGlobals(bytes: Uint8Array, rules: PickleRules, where: string): void {
  const strings = new Map<number, string>();
  const memo = new Set<number>();
  let recent: [string | null, string | null] = [null, null];
  for (const op of ops(bytes, where)) {
    const { name, arg } = op;
    let pushed: string | null | undefined;
    if (name === 'GLOBAL') allowGlobal(...(arg as [string, string]), rules, where);
    else if (name === 'STACK_GLOBAL' && recent[0] !== null && recent[1] !== null) allowGlobal(recent[0], recent[1], rules, where);
    else if (name === 'BINUNICODE' || name === 'SHORT_BINUNICODE') pushed = arg as string;
    else if (name === 'BINGET' || name === 'LONG_BINGET') pushed = strings.get(arg as number) ?? null;
    const index = name === 'MEMOIZE' ? memo.size : name === 'BINPUT' || name === 'LONG_BINPUT' ? (arg as number) : null;
    if (index !== null) {
      memo.add(index);
      if (recent[1] !== null) strings.set(index, recent[1]);
      else strings.delete(index);
    } else if (name !== 'FRAME') recent = [recent[1], pushed ?? null];
  }
}

function allowGlobal(module: string, name: string, rules: PickleRules, where: string): Global {
  const g = new Global(module, name);
  // A name that is not a dotted identifier is quoted, so that junk shows as junk.
  const shown = /^[\w.]{1,200}$/.test(g.qualified) ? g.qualified : JSON.stringify(g.qualified.slice(0, 200));
  if (!rules.allow.includes(g.qualified)) throw new PickleError(`${where}: refused: the pickle names ${shown}; ${rules.explain(g.qualified)}`);
  return g;
}

/** Unpickles `bytes` under `rules` into inert values; `where` names the pickle in every message. */
export function unpickle(bytes: Uint8Array, rules: PickleRules, where: string): PyValue {
  checkGlobals(bytes, rules, where);
  const m = new Machine(where);
  for (const op of ops(bytes, where)) {
    m.at = op.at;
    if (op.name === 'STOP') return m.pop();
    m.run(op, rules);
  }
  throw new PickleError(`${where}: truncated: the pickle ends without STOP`);
}

type Item = PyValue | typeof MARK;
const MARK: unique symbol = Symbol('mark');

class Machine {
  at = 0;
  private stack: Item[] = [];
  private readonly memo = new Map<number, PyValue>();

  constructor(private readonly where: string) {}

  fail(why: string): never {
    throw new PickleError(`${this.where}: ${why} at byte ${this.at}; not a state dict torch.save writes`);
  }

  pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined) this.fail('the stack is empty');
    if (v === MARK) this.fail('a MARK where a value was expected');
    return v;
  }

  /** The values above the topmost MARK, which goes. */
  popMark(): PyValue[] {
    const k = this.stack.lastIndexOf(MARK);
    if (k < 0) this.fail('no MARK to pop to');
    return this.stack.splice(k).slice(1) as PyValue[];
  }

  top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.fail('no value on the stack');
    return v;
  }

  run({ name, arg }: Op, rules: PickleRules): void {
    const push = (v: Item) => this.stack.push(v);
    switch (name) {
      case 'PROTO':
        if ((arg as number) > 5) this.fail(`pickle protocol ${arg as number}`);
        return;
      case 'FRAME': return;
      case 'MARK': return void push(MARK);
      case 'EMPTY_DICT': return void push(new Dict());
      case 'EMPTY_LIST': return void push([]);
      case 'EMPTY_TUPLE': return void push(new Tuple([]));
      case 'NONE': return void push(null);
      case 'NEWTRUE': return void push(true);
      case 'NEWFALSE': return void push(false);
      case 'BININT': case 'BININT1': case 'BININT2': case 'LONG1': case 'BINFLOAT':
      case 'BINUNICODE': case 'SHORT_BINUNICODE':
        return void push(arg as number | string);
      case 'TUPLE': return void push(new Tuple(this.popMark()));
      case 'TUPLE1': case 'TUPLE2': case 'TUPLE3': {
        const n = Number(name.slice(-1));
        const items = Array.from({ length: n }, () => this.pop()).reverse();
        return void push(new Tuple(items));
      }
      case 'GLOBAL': return void push(allowGlobal(...(arg as [string, string]), rules, this.where));
      case 'STACK_GLOBAL': {
        const [module, qual] = [this.pop(), this.pop()].reverse();
        if (typeof module !== 'string' || typeof qual !== 'string') this.fail('STACK_GLOBAL without two names');
        return void push(allowGlobal(module, qual, rules, this.where));
      }
      case 'REDUCE': return void push(this.reduce());
      case 'BUILD': return this.build();
      case 'SETITEM': return this.setItems([this.pop(), this.pop()].reverse());
      case 'SETITEMS': return this.setItems(this.popMark());
      case 'APPEND': return this.append([this.pop()]);
      case 'APPENDS': return this.append(this.popMark());
      case 'BINPUT': case 'LONG_BINPUT': return void this.memo.set(arg as number, this.top());
      case 'MEMOIZE': return void this.memo.set(this.memo.size, this.top());
      case 'BINGET': case 'LONG_BINGET': {
        const v = this.memo.get(arg as number);
        if (v === undefined) this.fail(`memo ${arg as number} was never stored`);
        return void push(v);
      }
      case 'BINPERSID': return void push(new Persistent(this.pop()));
      default: this.fail(`opcode ${name} is not handled`);
    }
  }

  private reduce(): PyValue {
    const args = this.pop();
    const callable = this.pop();
    if (!(callable instanceof Global)) this.fail('REDUCE of something that is not a global');
    if (!(args instanceof Tuple)) this.fail('REDUCE with arguments that are not a tuple');
    // The one call done here: the container every state dict is.
    if (callable.qualified === 'collections.OrderedDict' && args.items.length === 0) return new Dict();
    return new Reduced(callable, args);
  }

  private build(): void {
    const state = this.pop();
    const target = this.top();
    if (!(target instanceof Dict || target instanceof Reduced)) this.fail('BUILD on something that is not an object');
    target.state = state;
  }

  private setItems(items: PyValue[]): void {
    const dict = this.top();
    if (!(dict instanceof Dict)) this.fail('SETITEM on something that is not a dict');
    if (items.length % 2) this.fail('SETITEMS with a key and no value');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] as PyValue;
      if (key !== null && typeof key === 'object') this.fail('a dict key that is not a string or number');
      dict.entries.set(key, items[i + 1] as PyValue);
    }
  }

  private append(items: PyValue[]): void {
    const list = this.top();
    if (!Array.isArray(list)) this.fail('APPEND to something that is not a list');
    for (const v of items) list.push(v);
  }
}
