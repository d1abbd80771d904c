#!/usr/bin/env python3
"""torchvision's side of src/train/batches.torch.test.ts: reads a JSON job on
stdin (uint8 NHWC images as base64, each image's augmentation choices, the
normalization constants, resize sizes) and prints the batch torchvision's
transforms make from the same choices (replay.py's make_batch: pad + crop,
flip, ToTensor, Normalize, erase), float32 NCHW as base64, the images'
per-channel mean and std computed by numpy in float64, and each batch
resized by torch's bilinear interpolation (align_corners=False)."""
import base64
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay import make_batch  # noqa: E402

job = json.load(sys.stdin)
n, h, w, c = job['shape']
images = np.frombuffer(base64.b64decode(job['images']), dtype=np.uint8).reshape(n, h, w, c)
labels = np.zeros(n, dtype=np.int64)
x, _ = make_batch(images, labels, list(range(n)), job['augment'], job['stats'])
pixels = images.reshape(-1, c) / 255.0
out = {
    'batch': base64.b64encode(x.numpy().astype('<f4').tobytes()).decode(),
    'mean': pixels.mean(0).tolist(),
    'std': pixels.std(0).tolist(),
    'resized': {str(s): base64.b64encode(F.interpolate(x, size=(s, s), mode='bilinear', align_corners=False).numpy().astype('<f4').tobytes()).decode() for s in job.get('resize', [])},
}
json.dump(out, sys.stdout)
