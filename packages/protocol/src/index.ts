export * from './close-codes.js';
export * from './codec.js';
export * from './decode.js';
export * from './error-codes.js';
export * from './frames.js';
export * from './limits.js';
export * from './payload-check.js';
