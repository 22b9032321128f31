// Jest runs each test file in its own vm context, whose typed-array constructors differ from Node's.
// Native addons (onnxruntime-node under transformers.js) return Node-realm typed arrays, and
// transformers.js checks `data instanceof Float32Array` against the vm's — so a real ONNX result
// fails inside jest only. This environment shares Node's binary-data constructors with the tests.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = NodeRealmEnvironment;
