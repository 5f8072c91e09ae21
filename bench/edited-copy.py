#!/usr/bin/env python3
"""Writes NEW: a copy of BASIS with an edit every 1-4 MiB (insert, delete or overwrite of up to 8 KiB), seed 42.
Usage: bench/edited-copy.py BASIS NEW"""
import random, sys
rnd = random.Random(42)
data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'wb') as out:
    pos = 0
    while pos < len(data):
        keep = rnd.randint(1 << 20, 4 << 20)
        out.write(data[pos:pos + keep]); pos += keep
        kind = rnd.randrange(3)
        if kind == 0:
            out.write(rnd.randbytes(rnd.randint(1, 4096)))
        elif kind == 1:
            pos += rnd.randint(1, 8192)
        else:
            n = rnd.randint(1, 2048); out.write(rnd.randbytes(n)); pos += n
