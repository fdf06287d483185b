#!/usr/bin/env python3
"""gen_ops.py - writes a module with one exported function per SIMD instruction (every row of
compiler/ir/opcodes_simd.def but the memory ones and v128.const), for difftest.sh.

  gen_ops.py OPCODES_SIMD_DEF OUT.wat
"""
import re
import sys

TYPES = {'I32': 'i32', 'I64': 'i64', 'F32': 'f32', 'F64': 'f64', 'V128': 'v128'}
# wabt 1.0.32 still spells the relaxed dot products without "relaxed_".
WABT_NAMES = {'i16x8.relaxed_dot_i8x16_i7x16_s': 'i16x8.dot_i8x16_i7x16_s',
              'i32x4.relaxed_dot_i8x16_i7x16_add_s': 'i32x4.dot_i8x16_i7x16_add_s'}

def main():
    rows = re.findall(r'OP\((\w+),\s*0xfd,\s*(0x[0-9a-f]+),\s*(\w+),\s*(\w+),\s*(\w+),\s*(\w+),'
                      r'\s*(\w+),\s*(\d+),\s*(\w+),\s*"([^"]+)"\)', open(sys.argv[1]).read())
    out = ['(module']
    for _id, _code, imm, p0, p1, p2, res, _n, fam, name in rows:
        if fam == 'VMEM' or imm == 'V128':
            continue
        params = [TYPES[p] for p in (p0, p1, p2) if p != '_']
        args = ['(local.get %d)' % i for i in range(len(params))]
        if 'i7x16' in name:   # b in 0..127: the range every implementation agrees on
            args[1] = '(v128.and (local.get 1) (v128.const i8x16%s))' % (' 0x7f' * 16)
        if name == 'i16x8.relaxed_q15mulr_s':   # no INT16_MIN * INT16_MIN
            args[1] = '(i16x8.max_s (local.get 1) (v128.const i16x8%s))' % (' -32767' * 8)
        immediate = {'SHUFFLE': ' 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31',
                     'LANE': ' 1'}.get(imm, '')
        sig = ' '.join('(param %s)' % p for p in params)
        if res != '_':
            sig += ' (result %s)' % TYPES[res]
        out.append('  (func (export "%s") %s (%s%s %s))'
                   % (name, sig, WABT_NAMES.get(name, name), immediate, ' '.join(args)))
    out.append(')')
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(out) + '\n')

main()
