import { describeAcdStoreConformance } from '../../test/store/conformance-suite';
import { describeRecoveryConformance } from '../../test/store/recovery-suite';
import { MemoryAcdStore } from './memory-store';

describeAcdStoreConformance('memory', { create: async () => new MemoryAcdStore() });
describeRecoveryConformance('memory', { create: async () => new MemoryAcdStore() });
