import { RedisAcdStore } from '../../server/store/redis-store';
import { stopAll } from '../support/processes';
import { describeAcdStoreConformance } from './conformance-suite';
import { describeRecoveryConformance } from './recovery-suite';
import { randomPrefix, startRedis, type TestRedis } from './redis-server';
import { describeSupervisionConformance } from './supervision-suite';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await stopAll();
});

describeAcdStoreConformance('redis', { create: () => RedisAcdStore.connect({ url: redis.url, prefix: randomPrefix() }) });
describeRecoveryConformance('redis', { create: () => RedisAcdStore.connect({ url: redis.url, prefix: randomPrefix() }) });
describeSupervisionConformance('redis', { create: () => RedisAcdStore.connect({ url: redis.url, prefix: randomPrefix() }) });
