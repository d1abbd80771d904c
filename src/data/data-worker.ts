// The data worker: reads dropped or downloaded tarballs off the page's
// thread, fills and lists the cache, renders sample grids. No TF.js: it
// loads fast, and the training worker reads what it cached.
/// <reference lib="webworker" />
import type { DataCommand, DataEvent } from '../protocol/data';
import { DataService } from './service';

declare const self: DedicatedWorkerGlobalScope;

const service = new DataService((e: DataEvent) => {
  // Sample bytes are copies: hand them over instead of copying again.
  const transfer = e.type === 'samples' ? [e.grid.images.buffer, ...(e.grid.augmented ? [e.grid.augmented.buffer] : [])] : e.type === 'fitted' ? [e.pixels.buffer] : [];
  self.postMessage(e, transfer as Transferable[]);
}, `${self.location.origin}${import.meta.env.BASE_URL}`);

self.onmessage = (e: MessageEvent<DataCommand>) => service.handle(e.data);
