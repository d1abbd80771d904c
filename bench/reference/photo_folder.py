#!/usr/bin/env python3
"""A folder of photo-sized JPEGs for the folder-import bench (bench/browser/folder.ts):
N images in C class folders, each a CIFAR-10 test image (read from the official binary
tarball) scaled up to W x H with Pillow's bicubic filter, a little noise added so that no two
compress alike, saved at quality 85. The classes are CIFAR's, so the folder trains too.

    python3 bench/reference/photo_folder.py --archive cifar-10-binary.tar.gz --out /tmp/photos --count 10000
"""
import argparse
import os
import tarfile

import numpy as np
from PIL import Image

CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--archive', required=True, help="CIFAR-10's cifar-10-binary.tar.gz")
    ap.add_argument('--out', required=True, help='the folder to write (CLASS/NNNNN.jpg)')
    ap.add_argument('--count', type=int, default=10_000)
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--height', type=int, default=480)
    args = ap.parse_args()
    with tarfile.open(args.archive) as tar:
        raw = tar.extractfile('cifar-10-batches-bin/test_batch.bin').read()
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3073)
    rng = np.random.default_rng(0)
    for name in CLASSES:
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
    for i in range(args.count):
        rec = records[i % len(records)]
        img = Image.fromarray(rec[1:].reshape(3, 32, 32).transpose(1, 2, 0)).resize((args.width, args.height), Image.BICUBIC)
        pixels = np.asarray(img, dtype=np.int16) + rng.integers(-6, 7, size=(args.height, args.width, 3), dtype=np.int16)
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(os.path.join(args.out, CLASSES[rec[0]], f'{i:05d}.jpg'), quality=85)
    print(f'{args.count} JPEGs of {args.width}x{args.height} in {args.out}')


if __name__ == '__main__':
    main()
