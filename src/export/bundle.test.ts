// The export's files: the four the CLI writes for a net train.py expresses;
// weights, config and a README that says why for one it does not.
import { describe, expect, it } from 'vitest';
import { configFromPreset } from '../config/presets';
import { defaultNaming } from '../weights/torch-names';
import { pytorchBundle } from './bundle';
import { configJson, trainPy } from './pytorch';

const weights = { bytes: new Uint8Array([1, 2, 3]), what: 'the run\'s weights at step 20' };

describe('pytorchBundle', () => {
  it('a CIFAR ResNet: train.py, weights.safetensors, config.json, README.md, as the CLI writes them', () => {
    const c = configFromPreset('resnet20');
    const { files, refusal } = pytorchBundle(c, 'akamaster', weights, 'a test');
    expect(refusal).toBeNull();
    expect(files.map((f) => f.name)).toEqual(['train.py', 'weights.safetensors', 'config.json', 'README.md']);
    expect(files[0]!.data).toBe(trainPy(c, 'akamaster', 'a test'));
    expect(files[1]!.data).toBe(weights.bytes);
    expect(files[2]!.data).toBe(configJson(c));
    expect(files[3]!.data).toContain('the run\'s weights at step 20');
    expect(files[3]!.data).toContain('torchrun --nproc_per_node=8');
  });

  it('the ResNet + Transformer hybrid: no train.py; the weights, config.json and a README that says why', () => {
    const c = configFromPreset('resnet_transformer');
    const naming = defaultNaming(c.model) ?? 'torchvision';
    const { files, refusal } = pytorchBundle(c, naming, weights, 'a test');
    expect(refusal).toMatch(/does not write the ResNet \+ Transformer hybrid yet/);
    expect(files.map((f) => f.name)).toEqual(['weights.safetensors', 'config.json', 'README.md']);
    expect(files[2]!.data).toContain('There is no `train.py` here: export to PyTorch does not write the ResNet + Transformer hybrid yet');
    expect(files[2]!.data).toContain(`${naming}'s names`);
  });
});
