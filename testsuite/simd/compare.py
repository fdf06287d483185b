#!/usr/bin/env python3
"""compare.py - compares two outputs of harness.c line by line and prints the instructions whose
results differ, then "N passed, N failed" (one per instruction). Float lanes that are NaN in
both must both be quiet; otherwise results must be equal bit for bit. Relaxed instructions may
differ between targets by design and are skipped, except the dot products and q15mulr, whose
inputs stay in the range where every target agrees (INT16_MIN * INT16_MIN aside).

  compare.py REFERENCE.txt OTHER.txt
"""
import sys

def lanes(hexstr, width):
    n = width // 4
    return [int(hexstr[i:i + n], 16) for i in range(0, len(hexstr), n)]

def is_nan(x, width):
    if width == 32:
        return (x >> 23) & 0xff == 0xff and x & 0x7fffff
    return (x >> 52) & 0x7ff == 0x7ff and x & ((1 << 52) - 1)

def is_quiet(x, width):
    return (x >> (22 if width == 32 else 51)) & 1

def same(name, a, b):
    if a == b:
        return True
    ra, rb = a.split('->')[1].split(), b.split('->')[1].split()
    width = 32 if name.startswith('f32') else 64 if name.startswith('f64') else 0
    if not width or len(ra) != len(rb):
        return False
    for x, y in zip(ra, rb):
        if len(x) != len(y):
            return False
        w = width if len(x) == 32 else len(x) * 4
        for p, q in zip(lanes(x, w), lanes(y, w)):
            if p != q and not (is_nan(p, w) and is_nan(q, w) and is_quiet(p, w) and is_quiet(q, w)):
                return False
    return True

def main():
    ref = open(sys.argv[1]).read().splitlines()
    other = open(sys.argv[2]).read().splitlines()
    if len(ref) != len(other):
        print('different number of calls: %d and %d' % (len(ref), len(other)))
        print('0 passed, 1 failed')
        return 1
    names, bad = [], {}
    for a, b in zip(ref, other):
        name = a.split('#')[0]
        if name not in names:
            names.append(name)
        relaxed_free = 'relaxed' in name and not any(k in name for k in ('dot', 'q15'))
        if relaxed_free or same(name, a, b):
            continue
        bad.setdefault(name, (a, b))
    for name, (a, b) in bad.items():
        print('%s differs:\n  %s\n  %s' % (name, a, b))
    print('%d passed, %d failed' % (len(names) - len(bad), len(bad)))
    return 1 if bad else 0

sys.exit(main())
