// The export's files: the ones the CLI writes, optimizer.safetensors among
// them when the run's optimizer keeps state; what train.py cannot express
// refused by name.
import { describe, expect, it } from 'vitest';
import { configFromPreset } from '../config/presets';
import { pytorchBundle } from './bundle';
import { configJson, trainPy } from './pytorch';

const weights = { bytes: new Uint8Array([1, 2, 3]), what: 'the run\'s weights at step 20' };

describe('pytorchBundle', () => {
  it('a CIFAR ResNet: train.py, weights.safetensors, config.json, README.md, as the CLI writes them', () => {
    const c = configFromPreset('resnet20');
    const files = pytorchBundle(c, 'akamaster', weights, null, 'a test');
    expect(files.map((f) => f.name)).toEqual(['train.py', 'weights.safetensors', 'config.json', 'README.md']);
    expect(files[0]!.data).toBe(trainPy(c, 'akamaster', 'a test'));
    expect(files[1]!.data).toBe(weights.bytes);
    expect(files[2]!.data).toBe(configJson(c));
    expect(files[3]!.data).toContain('the run\'s weights at step 20');
    expect(files[3]!.data).toContain('torchrun --nproc_per_node=8');
    expect(files[3]!.data).not.toContain('optimizer.safetensors');
  });

  it("with the optimizer's state: optimizer.safetensors after the weights, and the README says train.py resumes from it", () => {
    const c = configFromPreset('resnet_transformer');
    const optimizer = { bytes: new Uint8Array([4]), what: 'the momentum state at step 20' };
    const files = pytorchBundle(c, 'torchvision', weights, optimizer, 'a test');
    expect(files.map((f) => f.name)).toEqual(['train.py', 'weights.safetensors', 'optimizer.safetensors', 'config.json', 'README.md']);
    expect(files[2]!.data).toBe(optimizer.bytes);
    expect(files[4]!.data).toContain('| `optimizer.safetensors` | the momentum state at step 20');
    expect(files[4]!.data).toContain('continues the run where the playground left it');
  });

  it("what train.py cannot express, by name (AlexNet's input resize)", () => {
    const c = configFromPreset('alexnet');
    c.model.inputSize = 64;
    expect(() => pytorchBundle(c, 'torchvision', weights, null, 'a test')).toThrow("export to PyTorch: a resize layer has no place in torchvision's alexnet");
  });
});
