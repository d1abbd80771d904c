// Debian's Chromium, headless, as the e2e tests and the browser benches drive
// it. --enable-unsafe-webgpu gives WebGPU (SwiftShader) in the page and in
// workers; WebGL2 runs on SwiftShader through ANGLE. The network flags keep
// Chromium from calling home on a machine with no network.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
