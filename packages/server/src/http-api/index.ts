export { createHttpApi, type HttpApiHandler, type HttpApiOptions } from './http-api.js';
