/**
 * The engine ladder: native TensorFlow (tfjs-node) → WebAssembly (SIMD) → pure JavaScript.
 * This is the only file that knows tfjs backends exist; everything else imports
 * `@tensorflow/tfjs` and runs on whichever engine was chosen here.
 */
import * as tf from '@tensorflow/tfjs';

export type EngineName = 'native' | 'wasm' | 'cpu';
export const ENGINE_LADDER: readonly EngineName[] = ['native', 'wasm', 'cpu'];

export interface Engine {
  name: EngineName;
  /** What runs underneath, e.g. "TensorFlow 2.21.0 C library". */
  detail: string;
  /** Why this engine and not a faster one, e.g. "native binding missing". Empty for the first rung. */
  why: string;
}

/** A forced engine that cannot start: one line for the user, the process should exit non-zero. */
export class EngineUnavailableError extends Error {}

const BACKEND_OF: Record<EngineName, string> = { native: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const started = new Map<EngineName, Engine>();
let current: Engine | undefined;

/**
 * Chooses and starts the engine, once per process; later calls return the same one.
 * `engine` (or TL_ENGINE) forces a rung and throws EngineUnavailableError if it cannot start.
 */
export async function selectEngine(options: { engine?: string; quiet?: boolean } = {}): Promise<Engine> {
  const forced = parseEngineName(options.engine ?? process.env.TL_ENGINE);
  if (current && (!forced || current.name === forced)) return current;
  const engine = forced ? await useEngine(forced) : await firstWorkingEngine();
  if (!options.quiet) console.log(`engine: ${engine.name} (${engine.detail}${engine.why ? `; ${engine.why}` : ''})`);
  return engine;
}

/** Switches to one engine (for benchmarks and cross-engine checks). Throws if it cannot start. */
export async function useEngine(name: EngineName): Promise<Engine> {
  let engine = started.get(name);
  if (!engine) {
    const detail = await start(name).catch((err: Error) => {
      throw new EngineUnavailableError(`engine ${name} is unavailable: ${oneLine(err)}`);
    });
    engine = { name, detail, why: '' };
    started.set(name, engine);
  }
  // The first tensor written on a backend may print a banner (see quietly): write it here.
  const ok = await quietly(async () => (await tf.setBackend(BACKEND_OF[name])) && (tf.tensor([0]).dispose(), true));
  if (!ok) throw new EngineUnavailableError(`engine ${name} failed to initialise`);
  current = engine;
  return engine;
}

/** Every engine that starts on this machine, in ladder order (leaves the last one current). */
export async function availableEngines(): Promise<EngineName[]> {
  const names: EngineName[] = [];
  for (const name of ENGINE_LADDER) {
    if (await useEngine(name).then(() => true, () => false)) names.push(name);
  }
  return names;
}

export function currentEngine(): Engine | undefined {
  return current;
}

async function firstWorkingEngine(): Promise<Engine> {
  const skipped: string[] = [];
  for (const name of ENGINE_LADDER) {
    try {
      const engine = await useEngine(name);
      current = { ...engine, why: skipped.join('; ') };
      return current;
    } catch (err) {
      skipped.push(`${name} skipped: ${oneLine(err as Error).replace(/^engine \w+ is unavailable: /, '')}`);
    }
  }
  throw new EngineUnavailableError(`no engine could start (${skipped.join('; ')})`);
}

function parseEngineName(value: string | undefined): EngineName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if ((ENGINE_LADDER as string[]).includes(value)) return value as EngineName;
  throw new EngineUnavailableError(`TL_ENGINE=${value} is not an engine; use native, wasm, cpu or auto`);
}

async function start(name: EngineName): Promise<string> {
  if (name === 'native') return startNative();
  if (name === 'wasm') return startWasm();
  return 'pure JavaScript';
}

function startNative(): string {
  // The TensorFlow library logs to stderr from C++; level 2 keeps warnings and errors only.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  let tfnode: { version: Record<string, string> };
  try {
    // Registers the 'tensorflow' backend with the same @tensorflow/tfjs-core this project uses.
    tfnode = require('@tensorflow/tfjs-node');
  } catch (err) {
    const message = (err as Error).message;
    if (/Cannot find module '@tensorflow\/tfjs-node'/.test(message)) throw new Error('@tensorflow/tfjs-node is not installed');
    if (/tfjs_binding\.node\) can not be found/.test(message)) throw new Error('native binding missing (run npm run setup)');
    throw new Error(`native binding failed to load: ${oneLine(err as Error)}`);
  }
  const binding = (tf.findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } })?.binding;
  return `TensorFlow ${binding?.TF_Version ?? '?'} C library, tfjs-node ${tfnode.version['tfjs-node']}`;
}

async function startWasm(): Promise<string> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // Load the .wasm files from node_modules, never from a CDN.
  const dir = require('path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  if (!wasmPathsSet) {
    wasm.setWasmPaths(dir + '/');
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly${simd ? ' SIMD' : ''}, ${wasm.getThreadsCount()} thread`;
}
let wasmPathsSet = false;

/**
 * The cpu backend prints a banner recommending tfjs-node on its first tensor in Node, unless IS_TEST
 * is set; our engine line already says why we are on this rung. IS_TEST also turns on kernel leak
 * checks, so it is set only while the backend starts.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const wasTest = tf.env().getBool('IS_TEST');
  tf.env().set('IS_TEST', true);
  try {
    return await work();
  } finally {
    tf.env().set('IS_TEST', wasTest);
  }
}

function oneLine(err: Error): string {
  return String(err?.message ?? err).split('\n')[0];
}
