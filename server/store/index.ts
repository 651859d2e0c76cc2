export * from './keys';
export * from './memory-store';
export * from './redis-store';
export { SCRIPTS, type LuaScript } from './lua/scripts';
