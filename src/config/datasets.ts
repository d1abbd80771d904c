// The data sets the page offers, as shapes: what the architecture view and
// the memory check need before any data is loaded. Pure TS.
import type { DatasetId } from './types';

export interface DatasetShape {
  name: string;
  /** One image: [height, width, channels]. */
  input: [number, number, number];
  classes: number;
}

export const DATASETS: Record<DatasetId, DatasetShape> = {
  mnist: { name: 'MNIST', input: [28, 28, 1], classes: 10 },
};
