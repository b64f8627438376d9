export { createEmitter, Emitter, type EmitterPublishOptions } from './emitter.js';
export { emitterDefaults, type EmitterOptions } from './emitter-options.js';
