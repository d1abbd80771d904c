// The block a diagram shows, read off the layer tree the stage table comes
// from: the first residual block where the shape changes (its stride and its
// projection are where write-ups most often differ from the code), its
// branch and its shortcut in words, and what follows the addition. Pure TS.
import type { LayerOp } from './ops';

export interface BlockDiagram {
  /** e.g. 'stage2.block0'. */
  name: string;
  /** The residual branch F(x), layer by layer, e.g. '3×3 conv, 32 channels, stride 2'. */
  branch: string[];
  /** The shortcut: its layers, or what the identity does; empty in the plain twin. */
  shortcut: string[];
  /** After the addition, e.g. ['ReLU']. */
  after: string[];
  /** False for the plain twin: the addition is left out. */
  skip: boolean;
}

type Residual = Extract<LayerOp, { op: 'residual' }>;

/** One layer in words; null for what a diagram leaves out (a flatten). */
export function describeOp(op: LayerOp): string | null {
  switch (op.op) {
    case 'conv':
      return `${op.kernel}×${op.kernel} conv, ${op.filters} channels${op.stride > 1 ? `, stride ${op.stride}` : ''}${op.groups > 1 ? `, ${op.groups} groups` : ''}`;
    case 'bn':
      return 'batch norm';
    case 'relu':
      return 'ReLU';
    case 'swish':
      return 'swish';
    case 'gelu':
      return 'GELU';
    case 'se':
      return `squeeze-excitation (to ${op.squeeze} channels)`;
    case 'padShortcut':
      return `identity, stride ${op.stride}, channels zero-padded to ${op.filters} (option A: no parameters)`;
    case 'avgPool':
      return `${op.kernel}×${op.kernel} average pool, stride ${op.stride}`;
    case 'maxPool':
      return `${op.kernel}×${op.kernel} max pool, stride ${op.stride}`;
    case 'dropout':
      return `dropout ${op.rate}`;
    default:
      return null;
  }
}

const words = (ops: readonly LayerOp[]) => ops.map(describeOp).filter((w): w is string => w !== null);

function strided(block: Residual): boolean {
  return block.branch.some((op) => (op.op === 'conv' || op.op === 'avgPool' || op.op === 'maxPool') && op.stride > 1);
}

/** The first block where the shape changes (else the first block with a shortcut, else the first); null for a net without residual blocks. */
export function blockDiagram(layers: readonly LayerOp[]): BlockDiagram | null {
  const blocks = layers.flatMap((op, i) => (op.op === 'residual' ? [{ block: op, i }] : []));
  const chosen = blocks.find((b) => strided(b.block)) ?? blocks.find((b) => b.block.shortcut.length > 0) ?? blocks[0];
  if (!chosen) return null;
  const { block, i } = chosen;
  const next = layers.slice(i + 1);
  const end = next.findIndex((op) => op.op !== 'relu' && op.op !== 'swish');
  return {
    name: block.name,
    branch: words(block.branch),
    shortcut: !block.skip ? [] : block.shortcut.length > 0 ? words(block.shortcut) : ['identity'],
    after: words(end < 0 ? next : next.slice(0, end)),
    skip: block.skip,
  };
}
