/**
 * A small typed WebAssembly instruction emitter, so that hand-assembled
 * kernels read like the folded text format (WAT): `i32.add(get('$a'),
 * get('$b'))` stands for `(i32.add (local.get $a) (local.get $b))`. Locals,
 * labels and functions are referred to by name and resolved to indices when
 * {@link assemble} encodes the module (WebAssembly Core Specification 2.0,
 * §5 "Binary Format"). Only the instructions the kernels use are here.
 *
 * @module
 */

/** Value types (§5.3.1; `v128` is the 128-bit vector type of the SIMD instructions). */
export type ValType = 'i32' | 'i64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, v128: 0x7b };

/** A local reference: `local.get/set/tee $name`. */
interface LocalRef {
  readonly op: number;
  readonly local: string;
}

/** A branch to a label: `br/br_if $name`. */
interface LabelRef {
  readonly op: number;
  readonly label: string;
}

/** A call of a function by name. */
interface CallRef {
  readonly call: string;
}

/** A structured instruction (`block`, `loop`, `if`) with a label. */
interface Structured {
  readonly op: number;
  readonly label: string;
  readonly body: readonly Code[];
  readonly orElse?: readonly Code[];
}

/**
 * Code: encoded bytes, named references, structured instructions, or a
 * (nested) sequence of them, in stack order.
 */
export type Code = number | LocalRef | LabelRef | CallRef | Structured | readonly Code[];

/** Unsigned LEB128 (§5.2.2). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 (§5.2.2) of an integer (any size, as a bigint). */
export function sleb(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const binary =
  (op: number) =>
  (a: Code, b: Code): Code => [a, b, op];
const unary =
  (op: number) =>
  (a: Code): Code => [a, op];
/** memarg (§5.4.6): alignment as log2 (a hint), then the constant offset. */
const load =
  (op: number, align: number) =>
  (offset: number, addr: Code): Code => [addr, op, align, ...uleb(offset)];
const store =
  (op: number, align: number) =>
  (offset: number, addr: Code, value: Code): Code => [addr, value, op, align, ...uleb(offset)];

/** `local.get $name`. */
export function get(name: string): Code {
  return { op: 0x20, local: name };
}

/** `(local.set $name value)`. */
export function set(name: string, value: Code): Code {
  return [value, { op: 0x21, local: name }];
}

/** `(local.tee $name value)`. */
export function tee(name: string, value: Code): Code {
  return [value, { op: 0x22, local: name }];
}

/** i32 instructions (§5.4.7). */
export const i32 = {
  /** `i32.const n`. */
  const: (n: number): Code => [0x41, ...sleb(BigInt(n | 0))],
  /** `i32.eqz`. */
  eqz: unary(0x45),
  /** `i32.eq`. */
  eq: binary(0x46),
  /** `i32.ne`. */
  ne: binary(0x47),
  /** `i32.lt_s`. */
  lt_s: binary(0x48),
  /** `i32.lt_u`. */
  lt_u: binary(0x49),
  /** `i32.add`. */
  add: binary(0x6a),
  /** `i32.sub`. */
  sub: binary(0x6b),
  /** `i32.and`. */
  and: binary(0x71),
  /** `i32.or`. */
  or: binary(0x72),
  /** `i32.xor`. */
  xor: binary(0x73),
  /** `i32.shr_u`. */
  shr_u: binary(0x76),
  /** `i32.rotl`. */
  rotl: binary(0x77),
  /** `i32.wrap_i64`. */
  wrap_i64: unary(0xa7),
  /** `i32.load offset=… (addr)`. */
  load: load(0x28, 2),
  /** `i32.load8_u offset=… (addr)`. */
  load8_u: load(0x2d, 0),
  /** `i32.store offset=… (addr) (value)`. */
  store: store(0x36, 2),
  /** `i32.store8 offset=… (addr) (value)`. */
  store8: store(0x3a, 0),
};

/** i64 instructions (§5.4.7). */
export const i64 = {
  /** `i64.const n`. */
  const: (n: number | bigint): Code => [0x42, ...sleb(BigInt(n))],
  /** `i64.ne`. */
  ne: binary(0x52),
  /** `i64.add`. */
  add: binary(0x7c),
  /** `i64.sub`. */
  sub: binary(0x7d),
  /** `i64.mul`. */
  mul: binary(0x7e),
  /** `i64.and`. */
  and: binary(0x83),
  /** `i64.or`. */
  or: binary(0x84),
  /** `i64.xor`. */
  xor: binary(0x85),
  /** `i64.shl`. */
  shl: binary(0x86),
  /** `i64.shr_u`. */
  shr_u: binary(0x88),
  /** `i64.extend_i32_u`. */
  extend_i32_u: unary(0xad),
  /** `i64.load offset=… (addr)`. */
  load: load(0x29, 3),
  /** `i64.load32_u offset=… (addr)`. */
  load32_u: load(0x35, 2),
  /** `i64.store offset=… (addr) (value)`. */
  store: store(0x37, 3),
  /** `i64.store32 offset=… (addr) (value)`. */
  store32: store(0x3e, 2),
};

/** A vector instruction: the 0xfd prefix, then its opcode as unsigned LEB128 (§5.4.8). */
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const simdBinary =
  (op: number) =>
  (a: Code, b: Code): Code => [a, b, simd(op)];

/** 128-bit vector instructions (§5.4.8). */
export const v128 = {
  /** `v128.load offset=… (addr)`. */
  load: (offset: number, addr: Code): Code => [addr, simd(0x00), 4, ...uleb(offset)],
  /** `v128.store offset=… (addr) (value)`. */
  store: (offset: number, addr: Code, value: Code): Code => [addr, value, simd(0x0b), 4, ...uleb(offset)],
  /** `v128.const i32x4 a b c d`. */
  const_i32x4: (...lanes: readonly [number, number, number, number]): Code => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    lanes.forEach((v, i) => view.setUint32(4 * i, v >>> 0, true));
    return [simd(0x0c), ...bytes];
  },
  /** `i8x16.shuffle lanes… (a) (b)`: byte i of the result is byte `lanes[i]` of a ‖ b. */
  shuffle: (a: Code, b: Code, lanes: readonly number[]): Code => {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new Error('i8x16.shuffle needs 16 lane indices in 0..31');
    return [a, b, simd(0x0d), ...lanes];
  },
  /** `v128.or`. */
  or: simdBinary(0x50),
  /** `v128.xor`. */
  xor: simdBinary(0x51),
};

/** i32x4 instructions (§5.4.8). */
export const i32x4 = {
  /** `i32x4.splat (value)`. */
  splat: (value: Code): Code => [value, simd(0x11)],
  /** `i32x4.shl (a) (count)`. */
  shl: simdBinary(0xab),
  /** `i32x4.shr_u (a) (count)`. */
  shr_u: simdBinary(0xad),
  /** `i32x4.add`. */
  add: simdBinary(0xae),
};

/** `(memory.fill (dest) (value) (length))` (bulk memory, §5.4.6). */
export function memoryFill(dest: Code, value: Code, length: Code): Code {
  return [dest, value, length, 0xfc, ...uleb(11), 0x00];
}

/** `(memory.copy (dest) (source) (length))` (bulk memory, §5.4.6). */
export function memoryCopy(dest: Code, source: Code, length: Code): Code {
  return [dest, source, length, 0xfc, ...uleb(10), 0x00, 0x00];
}

/** `(block $label …)`: a `br $label` inside leaves it. */
export function block(label: string, ...body: Code[]): Code {
  return { op: 0x02, label, body };
}

/** `(loop $label …)`: a `br $label` inside starts it again. */
export function loop(label: string, ...body: Code[]): Code {
  return { op: 0x03, label, body };
}

/** `(if $label (cond) (then …) (else …))`. */
export function if_(label: string, cond: Code, then: readonly Code[], orElse?: readonly Code[]): Code {
  return [cond, { op: 0x04, label, body: then, orElse }];
}

/** `(br $label)`. */
export function br(label: string): Code {
  return { op: 0x0c, label };
}

/** `(br_if $label (cond))`. */
export function br_if(label: string, cond: Code): Code {
  return [cond, { op: 0x0d, label }];
}

/** `(return (value)?)`. */
export function return_(...value: Code[]): Code {
  return [value, 0x0f];
}

/** `(call $name args…)`. */
export function call(name: string, ...args: Code[]): Code {
  return [args, { call: name }];
}

/** A function: named params and locals, at most one result. */
export interface Func {
  /** Name for calls and (when exported) the export name. */
  readonly name: string;
  /** Export it under its name. */
  readonly exported?: boolean;
  /** Parameters in order, `[name, type]`. */
  readonly params: readonly (readonly [string, ValType])[];
  /** Result type, if any. */
  readonly result?: ValType;
  /** Further locals, `[name, type]`. */
  readonly locals: readonly (readonly [string, ValType])[];
  /** The body. */
  readonly body: readonly Code[];
}

/** A module of functions and one exported memory. */
export interface ModuleDef {
  /** Initial memory size in 64 KiB pages (no maximum). */
  readonly memoryPages: number;
  /** Export name of the memory. */
  readonly memoryExport: string;
  /** The functions, in index order. */
  readonly funcs: readonly Func[];
}

interface Scope {
  readonly locals: ReadonlyMap<string, number>;
  readonly labels: string[];
  readonly funcs: ReadonlyMap<string, number>;
}

/** `Array.isArray` that narrows a readonly array. */
function isSequence(code: Code): code is readonly Code[] {
  return Array.isArray(code);
}

function encode(code: Code, scope: Scope, out: number[]): void {
  if (typeof code === 'number') {
    out.push(code);
  } else if (isSequence(code)) {
    for (const c of code) encode(c, scope, out);
  } else if ('local' in code) {
    const index = scope.locals.get(code.local);
    if (index === undefined) throw new Error(`unknown local ${code.local}`);
    out.push(code.op, ...uleb(index));
  } else if ('call' in code) {
    const index = scope.funcs.get(code.call);
    if (index === undefined) throw new Error(`unknown function ${code.call}`);
    out.push(0x10, ...uleb(index));
  } else if ('body' in code) {
    out.push(code.op, 0x40); // block type: no result
    scope.labels.push(code.label);
    for (const c of code.body) encode(c, scope, out);
    if (code.orElse !== undefined) {
      out.push(0x05);
      for (const c of code.orElse) encode(c, scope, out);
    }
    scope.labels.pop();
    out.push(0x0b);
  } else {
    const at = scope.labels.lastIndexOf(code.label);
    if (at < 0) throw new Error(`unknown label ${code.label}`);
    out.push(code.op, ...uleb(scope.labels.length - 1 - at));
  }
}

function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function utf8(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

function funcBody(f: Func, funcs: ReadonlyMap<string, number>): number[] {
  const locals = new Map<string, number>();
  for (const [n] of f.params) locals.set(n, locals.size);
  const groups: number[][] = [];
  let prev: ValType | undefined;
  for (const [n, t] of f.locals) {
    if (locals.has(n)) throw new Error(`duplicate local ${n}`);
    locals.set(n, locals.size);
    if (t === prev) groups[groups.length - 1][0]++;
    else groups.push([1, VALTYPE[t]]);
    prev = t;
  }
  const out = vec(groups.map(([count, type]) => [...uleb(count), type]));
  for (const c of f.body) encode(c, { locals, labels: [], funcs }, out);
  out.push(0x0b);
  return [...uleb(out.length), ...out];
}

/** Encode `def` as a WebAssembly binary module (§5.5). */
export function assemble(def: ModuleDef): Uint8Array {
  const types: string[] = [];
  const typeBytes: number[][] = [];
  const typeOf = def.funcs.map((f) => {
    const bytes = [0x60, ...vec(f.params.map(([, t]) => [VALTYPE[t]])), ...vec(f.result === undefined ? [] : [[VALTYPE[f.result]]])];
    const key = bytes.join(',');
    let i = types.indexOf(key);
    if (i < 0) {
      i = types.push(key) - 1;
      typeBytes.push(bytes);
    }
    return i;
  });
  const funcs = new Map(def.funcs.map((f, i) => [f.name, i]));
  const exports = def.funcs.flatMap((f, i) => (f.exported === true ? [[...utf8(f.name), 0x00, ...uleb(i)]] : []));
  exports.push([...utf8(def.memoryExport), 0x02, 0x00]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    ...section(1, vec(typeBytes)),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(5, vec([[0x00, ...uleb(def.memoryPages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(def.funcs.map((f) => funcBody(f, funcs)))),
  ]);
}
