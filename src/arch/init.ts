// Initial values of a model's variables, from a seed: He-normal kernels,
// torch's default biases and dense layers, BN at gamma 1 (or 0) and beta 0.
// Pure JS arithmetic on the layer tree; the builder turns them into tensors.
import { nextShape, type LayerOp, type Shape } from './arch';

function normalValues(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller: two independent normals per pair of uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function uniformValues(n: number, bound: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * bound;
  return out;
}

export interface Init { values: Float32Array; shape: number[]; trainable: boolean }
type Emit = (name: string, init: Init) => void;

/**
 * Initial values of every variable, by stable name, in forward order (so a
 * seed maps to the same weights), one at a time to `emit`.
 */
export function initialValues(arch: LayerOp[], inputShape: Shape, rand: () => number, emit: Emit): void {
  const create = (ops: LayerOp[], shape: number[]): number[] => {
    for (const op of ops) {
      if (op.op === 'residual') {
        create(op.branch, shape);
        create(op.shortcut, shape);
      } else if (op.op === 'concat') {
        create(op.branch, shape);
      } else {
        opValues(op, shape, rand, emit);
      }
      shape = nextShape(op, shape);
    }
    return shape;
  };
  create(arch, inputShape);
}

/** The variables of one op over an input of `shape` ([H, W, C], [T, D] or [C]). */
function opValues(op: LayerOp, shape: number[], rand: () => number, emit: Emit): void {
  const c = shape[shape.length - 1] ?? 0;
  const set = (name: string, values: Float32Array, shape: number[], trainable = true) => emit(name, { values, shape, trainable });
  // torch.nn.Linear's (and a 1×1 conv's) default init: U(-1/sqrt(in), 1/sqrt(in)) for kernel and bias.
  const linear = (name: string, inF: number, units: number) => {
    const bound = 1 / Math.sqrt(inF);
    set(`${name}.kernel`, uniformValues(inF * units, bound, rand), [inF, units]);
    set(`${name}.bias`, uniformValues(units, bound, rand), [units]);
  };
  switch (op.op) {
    case 'conv': {
      const fanIn = op.kernel * op.kernel * (c / op.groups);
      // He et al. 2015 ("Delving Deep into Rectifiers") fan-in normal, std sqrt(2 / fanIn), as torch's kaiming_normal_.
      set(`${op.name}.kernel`, normalValues(fanIn * op.filters, Math.sqrt(2 / fanIn), rand), [op.kernel, op.kernel, c / op.groups, op.filters]);
      // torch.nn.Conv2d's default bias init, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
      if (op.bias) set(`${op.name}.bias`, uniformValues(op.filters, 1 / Math.sqrt(fanIn), rand), [op.filters]);
      break;
    }
    case 'bn':
      set(`${op.name}.gamma`, new Float32Array(c).fill(op.zeroGamma ? 0 : 1), [c]);
      set(`${op.name}.beta`, new Float32Array(c), [c]);
      set(`${op.name}.movingMean`, new Float32Array(c), [c], false);
      set(`${op.name}.movingVariance`, new Float32Array(c).fill(1), [c], false);
      break;
    case 'dense':
      linear(op.name, c, op.units);
      break;
    case 'se':
      linear(`${op.name}.fc1`, c, op.squeeze);
      linear(`${op.name}.fc2`, op.squeeze, c);
      break;
    case 'tokens': {
      const t = 1 + (shape[0] ?? 0) * (shape[1] ?? 0);
      // timm's VisionTransformer: cls_token ~ N(0, 1e-6), pos_embed ~ N(0, 0.02) (timm truncates at ±2σ; here untruncated).
      set(`${op.name}.cls`, normalValues(c, 1e-6, rand), [c]);
      set(`${op.name}.pos`, normalValues(t * c, 0.02, rand), [t, c]);
      break;
    }
    case 'layerNorm':
      set(`${op.name}.gamma`, new Float32Array(c).fill(1), [c]);
      set(`${op.name}.beta`, new Float32Array(c), [c]);
      break;
    case 'attention':
      // torch.nn.Linear's default for both projections, as the MLP's dense layers.
      linear(`${op.name}.qkv`, c, 3 * c);
      linear(`${op.name}.proj`, c, c);
      break;
    default:
      break;
  }
}

