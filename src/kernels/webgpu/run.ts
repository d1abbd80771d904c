// Our WGSL kernels dispatched straight into TF.js's webgpu backend: its own
// command encoder and compute pass, its buffers, its deferred submission
// (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE), as its runWebGPUProgram does. Ours
// rather than TF.js's program machinery because that gives a program one
// output and read-only inputs: an optimizer update writes the weight and its
// momentum, batch norm's statistics write the batch's and the running ones,
// and the per-layer norms gather partial sums from many dispatches into one
// buffer. Each kernel writes its own bindings: inputs first (read), then
// outputs (read_write), then one uniform struct of 4-byte fields.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** The parts of TF.js 4.22's WebGPUBackend this file uses (private there). */
interface BackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  uniformPendingDisposal: GPUBuffer[];
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBuffer };
  activeTimers: unknown[] | null | undefined;
  makeTensorInfo(shape: readonly number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: tf.TensorInfo): GPUBindingResource;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** One uniform field: every field is 4 bytes, so a struct of them has no padding before the end. */
export type Uniform = readonly ['u32' | 'i32' | 'f32', number];

export interface Dispatch {
  /** A WGSL module whose `main` is the entry point; the same text compiles once per device. */
  code: string;
  inputs: readonly tf.TensorInfo[];
  /** Tensors the kernel writes: made here from shapes, or given (written in place; only scratch the caller owns). */
  outputs: readonly (tf.TensorInfo | readonly number[])[];
  uniforms: readonly Uniform[];
  workgroups: readonly [number, number?, number?];
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** A pipeline per WGSL text and binding count; the layout is explicit, so a binding the shader leaves unread still binds. */
function pipelineFor(device: GPUDevice, code: string, inputs: number, outputs: number): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = `${inputs},${outputs}\n${code}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    const entries: GPUBindGroupLayoutEntry[] = [];
    for (let i = 0; i < inputs + outputs + 1; i++) {
      const type = i < inputs ? 'read-only-storage' : i < inputs + outputs ? 'storage' : 'uniform';
      entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    }
    const layout = device.createPipelineLayout({ bindGroupLayouts: [device.createBindGroupLayout({ entries })] });
    pipeline = device.createComputePipeline({ layout, compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    cache.set(key, pipeline);
  }
  return pipeline;
}

function uniformBytes(fields: readonly Uniform[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(bytes);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return bytes;
}

/** The device TF.js's webgpu backend runs on. */
export function deviceOf(backend: tf.KernelBackend): GPUDevice {
  return (backend as unknown as BackendInternals).device;
}

/** The largest workgroup count per dimension the device allows (65,535 at the least). */
export function maxWorkgroups(backend: tf.KernelBackend): number {
  return deviceOf(backend).limits.maxComputeWorkgroupsPerDimension;
}

/** A new float32 tensor on the backend, not yet written (a kernel's output, or scratch for dispose()). */
export function makeTensor(backend: tf.KernelBackend, shape: readonly number[]): tf.TensorInfo {
  const b = backend as unknown as BackendInternals;
  const t = b.makeTensorInfo(shape, 'float32');
  b.uploadToGPU(t.dataId);
  return t;
}

/** A new tensor on the backend holding `values` (a small table a kernel reads). */
export function makeTensorWith(backend: tf.KernelBackend, shape: readonly number[], dtype: 'int32' | 'float32', values: Int32Array | Float32Array): tf.TensorInfo {
  const b = backend as unknown as BackendInternals & { makeTensorInfo(shape: readonly number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo };
  const t = b.makeTensorInfo(shape, dtype, values);
  b.uploadToGPU(t.dataId);
  return t;
}

/** Frees a tensor made here that no one returns (scratch); the backend waits for the queue that uses it. */
export function dispose(backend: tf.KernelBackend, t: tf.TensorInfo): void {
  (backend as unknown as BackendInternals).disposeData(t.dataId);
}

/** Records one dispatch; -> the outputs (those given, and those made). */
export function dispatch(backend: tf.KernelBackend | WebGPUBackend, d: Dispatch): tf.TensorInfo[] {
  const b = backend as unknown as BackendInternals;
  const outputs = d.outputs.map((o) => ('dataId' in o ? o : makeTensor(backend as tf.KernelBackend, o as number[])));
  for (const t of d.inputs) b.uploadToGPU(t.dataId);
  const pipeline = pipelineFor(b.device, d.code, d.inputs.length, outputs.length);
  const uniform = uniformBytes(d.uniforms);
  const uniformBuffer = b.bufferManager.acquireBuffer(uniform.byteLength, GPUBufferUsage.COPY_DST | GPUBufferUsage.UNIFORM);
  b.queue.writeBuffer(uniformBuffer, 0, uniform);
  b.uniformPendingDisposal.push(uniformBuffer);
  const resources = [...d.inputs, ...outputs].map((t) => b.tensorToBinding(t));
  const bindGroup = b.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...resources, { buffer: uniformBuffer }].map((resource, binding) => ({ binding, resource })),
  });
  for (const t of [...d.inputs, ...outputs]) b.commandQueueOwnedIds.add(t.dataId);
  b.ensureCommandEncoderReady();
  // TF.js's profiler (tf.profile) times each of its programs in a pass of its own; ours run in whichever pass is open.
  b.computePassEncoder ??= (b.commandEncoder as GPUCommandEncoder).beginComputePass({});
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  const [x, y = 1, z = 1] = d.workgroups;
  b.computePassEncoder.dispatchWorkgroups(x, y, z);
  b.dispatchCountInPass += 1;
  if (b.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  return outputs;
}

