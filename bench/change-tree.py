#!/usr/bin/env python3
"""Changes a few percent of a tree the way an hour on a server might, the same way for the same seed: overwrites
a 4 KiB run in 3% of the regular files, appends up to 64 KiB to 1%, deletes 1% and adds new files (half random
bytes, half text) worth about 1% of the tree's bytes. Prints what it did.
Usage: bench/change-tree.py TREE [SEED]"""
import os, random, sys
root = sys.argv[1]
rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
files = []
for d, dirs, names in os.walk(root):
    dirs.sort()
    for n in sorted(names):
        p = os.path.join(d, n)
        if os.path.isfile(p) and not os.path.islink(p):
            files.append(p)
total = sum(os.path.getsize(p) for p in files)
rnd.shuffle(files)
k = max(1, len(files) * 3 // 100)
edited, appended, deleted = files[:k], files[k:k + k // 3 + 1], files[k + k // 3 + 1:k + k // 3 + 1 + max(1, len(files) // 100)]
for p in edited:
    size = os.path.getsize(p)
    with open(p, 'r+b') as f:
        f.seek(rnd.randrange(max(1, size - 4096)))
        f.write(rnd.randbytes(min(4096, size)))
for p in appended:
    with open(p, 'ab') as f:
        f.write(rnd.randbytes(rnd.randint(1, 65536)))
for p in deleted:
    os.remove(p)
added, goal, i = 0, total // 100, 0
text = open(__file__, 'rb').read()
while added < goal:
    n = rnd.randint(64 << 10, 2 << 20)
    data = rnd.randbytes(n) if i % 2 == 0 else (text * (n // len(text) + 1))[:n]
    with open(os.path.join(root, f'added-{i:03d}.bin'), 'wb') as f:
        f.write(data)
    added += n; i += 1
print(f"changed tree {root} ({total >> 20} MiB in {len(files)} files): {len(edited)} edited, {len(appended)} appended, "
      f"{len(deleted)} deleted, {i} added ({added >> 20} MiB)")
