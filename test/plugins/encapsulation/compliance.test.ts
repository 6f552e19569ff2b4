import { describeEncapsulationCompliance } from '../../../core/testing/encapsulation.js';
import { GueEncapsulation } from '../../../plugins/encapsulation/gue/encapsulation.js';
import { NoneEncapsulation } from '../../../plugins/encapsulation/none/index.js';

describeEncapsulationCompliance('gue (draft profile)', () => new GueEncapsulation());
describeEncapsulationCompliance('gue (draft profile, VNID + checksum)', () => new GueEncapsulation({ vnid: 0xabcdef01, checksum: true }));
describeEncapsulationCompliance('gue (linux profile)', () => new GueEncapsulation({ profile: 'linux' }));
describeEncapsulationCompliance('none', () => new NoneEncapsulation());
