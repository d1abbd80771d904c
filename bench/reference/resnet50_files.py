"""ResNet-50's ImageNet-sized weights in both formats we read, for
bench/browser/weights-read.ts: torchvision.models.resnet50() at its random
init (seeded; the same 25.6 M float32 parameters and buffers, 320 tensors
with the 53 int64 `num_batches_tracked`, as the published weights), written as

  PTH          torch.save(model.state_dict()): torch 1.13's zip format
  SAFETENSORS  the same tensors in the same order, by hand (the safetensors
               package is not installed): u64 header length, JSON header,
               raw little-endian bytes; float32 as F32, int64 as I64

No network: torchvision's random init, not its download. Run with Debian's
torch 1.13 and torchvision:
  /usr/bin/python3 bench/reference/resnet50_files.py [PTH] [SAFETENSORS]
(default /tmp/resnet50.pth /tmp/resnet50.safetensors).
"""
import os
import sys

import torch
import torchvision

from weights_fixtures import write_safetensors


def main():
    pth = sys.argv[1] if len(sys.argv) > 1 else '/tmp/resnet50.pth'
    st = sys.argv[2] if len(sys.argv) > 2 else '/tmp/resnet50.safetensors'
    torch.manual_seed(0)
    sd = torchvision.models.resnet50().state_dict()
    torch.save(sd, pth)
    write_safetensors(st, sd)
    values = sum(t.numel() for t in sd.values())
    for path in (pth, st):
        print(f'{path}: {os.path.getsize(path):,} bytes, {len(sd)} tensors, {values:,} values')


if __name__ == '__main__':
    main()
