import { describeTransportCompliance } from '../../../../core/testing/index.js';

describeTransportCompliance('datagram', { transport: 'datagram' });
describeTransportCompliance('datagram without GUE', { encapsulation: 'none', transport: 'datagram' });
