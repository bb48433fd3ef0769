// Runs each module and its instrumented twin in headless Chromium and prints a table of run
// times (compile and instantiation excluded) and the slowdown. Called by scripts/bench.
// Pages without cross-origin isolation get a 100 µs clock, so each sample times a batch of
// BATCH fresh instances and reports the time per run.
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const [dir, repetitions, ...cases] = process.argv.slice(2);
const BATCH = 20;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();

/** Milliseconds per `_start` for each repetition, with minimal fd_read/fd_write stubs. */
async function times(bytes, stdin, n) {
  return page.evaluate(async ({ bytes, stdin, n, batch }) => {
    const module = await WebAssembly.compile(new Uint8Array(bytes));
    const instantiate = async () => {
      let memory;
      let offset = 0;
      const input = new TextEncoder().encode(stdin);
      const view = () => new DataView(memory.buffer);
      const wasi = {
        fd_read: (fd, iovs, len, nread) => {
          const [buf, cap] = [view().getUint32(iovs, true), view().getUint32(iovs + 4, true)];
          const chunk = input.subarray(offset, offset + cap);
          new Uint8Array(memory.buffer, buf, chunk.length).set(chunk);
          offset += chunk.length;
          view().setUint32(nread, chunk.length, true);
          return 0;
        },
        fd_write: (fd, iovs, len, nwritten) => { view().setUint32(nwritten, view().getUint32(iovs + 4, true), true); return 0; },
        proc_exit: () => { throw new Error('proc_exit'); },
      };
      const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi });
      memory = instance.exports.memory;
      return instance;
    };
    const runs = [];
    for (let i = 0; i < n; i++) {
      const instances = [];
      for (let j = 0; j < batch; j++) instances.push(await instantiate());
      const start = performance.now();
      for (const instance of instances) instance.exports._start();
      runs.push((performance.now() - start) / batch);
    }
    return runs;
  }, { bytes: [...bytes], stdin, n, batch: BATCH });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => x.toFixed(4).padStart(9);
console.log(`fuel instrumentation overhead in Chromium (${repetitions} samples of ${BATCH} runs each, run time only)`);
console.log('fixture          plain median [min-max] ms          instrumented median [min-max] ms   slowdown');
for (const entry of cases) {
  const [name, stdin] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
  const plain = await times(await readFile(`${dir}/${name}.wasm`), stdin, Number(repetitions));
  const metered = await times(await readFile(`${dir}/${name}.instrumented.wasm`), stdin, Number(repetitions));
  const range = (xs) => `${ms(median(xs))} [${ms(Math.min(...xs)).trim()}-${ms(Math.max(...xs)).trim()}]`;
  console.log(`${name.padEnd(16)} ${range(plain).padEnd(34)} ${range(metered).padEnd(34)} ${(median(metered) / median(plain)).toFixed(2)}x`);
}
await browser.close();
