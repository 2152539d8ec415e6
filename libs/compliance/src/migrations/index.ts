import { Compliance1764461200000 } from './1764461200000-compliance.migration';
import { StaffCertificates1764461300000 } from './1764461300000-staff-certificates.migration';
import { RequestRegister1764461450000 } from './1764461450000-request-register.migration';

export const complianceMigrations = [Compliance1764461200000, StaffCertificates1764461300000, RequestRegister1764461450000];
