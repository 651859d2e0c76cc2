import { describeAcdStoreConformance } from '../../test/store/conformance-suite';
import { MemoryAcdStore } from './memory-store';

describeAcdStoreConformance('memory', { create: async () => new MemoryAcdStore() });
