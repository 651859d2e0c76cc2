import { describeAcdStoreConformance } from '../../test/store/conformance-suite';
import { describeRecoveryConformance } from '../../test/store/recovery-suite';
import { MemoryAcdStore } from './memory-store';
import { describeSupervisionConformance } from '../../test/store/supervision-suite';

describeAcdStoreConformance('memory', { create: async () => new MemoryAcdStore() });
describeRecoveryConformance('memory', { create: async () => new MemoryAcdStore() });
describeSupervisionConformance('memory', { create: async () => new MemoryAcdStore() });
