// A separate entry so that the JSON-only bundle does not carry the MessagePack library.
export { msgpackCodec } from '@herald/protocol/msgpack';
